import type { AuthorizationResult, TraceSource } from './types';

export function isAllowed(result: AuthorizationResult): boolean {
  return result.decision === 'Allowed';
}

/** How reports and fixes name where a trace entry came from. */
export const SOURCE_LABEL: Record<TraceSource, string> = {
  'key-policy': 'key policy',
  'identity-policy': 'IAM policy',
  grant: 'grant',
  scp: 'SCP',
  rcp: 'RCP',
  'permissions-boundary': 'permissions boundary',
};
