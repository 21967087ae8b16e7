export { authorize, authorizeDecision } from './authorize';
export type { AuthorizationResult, Decision, KeyAccessInputs, TraceEntry, TraceSource } from './types';
export { isAllowed, SOURCE_LABEL } from './decision';
export { authorizeKnowing, isConditionKey, isUnknown, type Verdict } from './unknown';
export { canonicalKmsAction, kmsActions } from './action-catalog';
export { compileActions, matchAction } from './actions';
export { parseCaller } from './caller';
export { OPERATORS } from './condition-operators';
export { compileConditions } from './conditions';
