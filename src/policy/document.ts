/** IAM policy grammar as keyshare emits and reads it. */
export type StringOrList = string | string[];
export type ConditionBlock = Record<string, Record<string, StringOrList | boolean>>;
export type PrincipalBlock = '*' | { AWS?: StringOrList; Service?: StringOrList; Federated?: StringOrList; CanonicalUser?: StringOrList };

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PrincipalBlock;
  NotPrincipal?: PrincipalBlock;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: PolicyStatement[];
}

export const POLICY_VERSION = '2012-10-17';

/**
 * How a statement is named wherever keyshare shows one: its Sid, or `Statement[i]` where it has
 * none. An empty Sid counts as none (IAM allows `"Sid": ""`), so every command names it alike.
 */
export function statementId(statement: PolicyStatement, index: number): string {
  return statement.Sid ? statement.Sid : `Statement[${index}]`;
}

/** IAM grammar lets most elements be one string or a list; readers want the list. */
export function listOf(value: StringOrList | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

export function policyDocument(statements: PolicyStatement[], id?: string): PolicyDocument {
  return id ? { Version: POLICY_VERSION, Id: id, Statement: statements } : { Version: POLICY_VERSION, Statement: statements };
}

/** KMS counts the policy as sent; keyshare sends it compact, so compact bytes are what count. */
export function policyBytes(doc: PolicyDocument): number {
  return Buffer.byteLength(JSON.stringify(doc), 'utf8');
}

/** AWS KMS quota "Key policy document size": 32 KB. https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html */
export const KEY_POLICY_MAX_BYTES = 32768;

/**
 * IAM quota on a customer managed policy: "The size of each managed policy cannot exceed 6,144
 * characters. IAM does not count white space when calculating the size of a policy against this
 * quota." (IAM User Guide, "IAM and AWS STS quotas",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length).
 */
export const IAM_MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * Characters of an IAM policy as IAM counts them against its quota: white space is not counted,
 * wherever it is, so a document is never judged larger than IAM judges it.
 */
export function iamPolicyChars(doc: PolicyDocument): number {
  return JSON.stringify(doc).replace(/\s/g, '').length;
}

/**
 * "If either of the required Resource or Action elements are missing from a key policy
 * statement, the policy statement has no effect" (KMS developer guide, "Creating a key policy",
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html; KMS API
 * reference, PutKeyPolicy). The evaluator skips such a statement; the input reader warns of it.
 */
export function keyPolicyStatementMissing(statement: PolicyStatement): 'Resource' | 'Action' | undefined {
  if (statement.Action === undefined && statement.NotAction === undefined) return 'Action';
  if (statement.Resource === undefined && statement.NotResource === undefined) return 'Resource';
  return undefined;
}
