export { authorize } from './authorize';
export type {
  AuthorizationResult,
  ContextValue,
  Decision,
  Grant,
  KeyAccessInputs,
  KmsRequest,
  TraceEntry,
  TraceSource,
} from './types';
export { isAllowed, SOURCE_LABEL } from './decision';
export { authorizeKnowing, isUnknown, type Verdict } from './unknown';
