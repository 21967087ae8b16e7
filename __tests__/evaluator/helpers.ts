import { authorize, type AuthorizationResult } from '../../src/evaluator';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/document';
import type { Grant, KmsRequest } from '../../src/policy/kms-api';

export const OWNER = '111122223333';
export const OTHER = '444455556666';
export const STRANGER = '777788889999';
export const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const SLR = `arn:aws:iam::${OTHER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_web`;

export function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** The statement of the KMS default key policy that lets the owner account's IAM policies decide. */
export const ROOT_DELEGATION: PolicyStatement = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${OWNER}:root` },
  Action: 'kms:*',
  Resource: '*',
};

export const ALLOW_ALL_KMS = doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });

export interface Setup {
  readonly keyPolicy: PolicyDocument;
  readonly identityPolicies?: readonly PolicyDocument[];
  readonly grants?: readonly Grant[];
  readonly scps?: readonly PolicyDocument[];
  readonly callerInManagementAccount?: boolean;
}

export function decide(setup: Setup, principal: string, action: string, extra: Partial<KmsRequest> = {}): AuthorizationResult {
  return authorize({ keyArn: KEY, ...setup }, { principal, action, ...extra });
}
