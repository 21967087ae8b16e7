export { authorize, authorizeDecision } from './authorize';
export type { AuthorizationResult, Decision, KeyAccessInputs, TraceEntry, TraceSource } from './types';
export { isAllowed, SOURCE_LABEL } from './decision';
export { authorizeKnowing, isUnknown, type Verdict } from './unknown';
