/** How a finding's severity shows in a pull-request comment, before its name (review's risks, check's findings). */
export const SEVERITY_MARK = { high: '🔴', medium: '🟠', low: '🟡', invalid: '⛔' } as const;
