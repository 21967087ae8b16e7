import { ALL_KMS_ACTIONS, AUTOSCALING_GRANT_OPERATIONS, CONSUMER_KEY_ACTIONS, CREATE_GRANT, KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from './actions';
import { accountRootArn, autoScalingRoleArn, Partition } from './arns';
import {
  GRANTEE_PRINCIPAL,
  GRANT_IS_FOR_AWS_RESOURCE,
  GRANT_OPERATIONS,
  PRINCIPAL_ACCOUNT_VARIABLE,
  PRINCIPAL_ORG_ID,
  PRINCIPAL_ORG_PATHS,
} from './conditions';
import { ANY_CONSUMER_STACK_TYPES, teardownKeyPolicyActions } from './deploy-path';
import { ConditionBlock, PolicyDocument, policyDocument, PolicyStatement } from './document';

/**
 * Key policy statements, one pure function each. Sids are API: reviewers, `doctor` and `review`
 * name statements by them, so they never change meaning.
 */
export const SID = {
  rootDelegation: 'EnableOwnerAccountIamPolicies',
  administrators: 'AllowKeyAdministration',
  consumerUse: 'AllowConsumerAccountsUseOfKey',
  consumerGrant: (account: string) => `AllowConsumer${account}AutoScalingGrant`,
  organizationGrant: 'AllowOrganizationAutoScalingGrants',
  ownerAutoScalingUse: 'AllowOwnerAutoScalingUseOfKey',
  ownerAutoScalingAttachment: 'AllowOwnerAutoScalingAttachment',
  consumerTeardown: 'AllowRemovedConsumersTeardown',
} as const;

/** Who the consumer statements speak to: listed accounts, or everyone in an organization (or OUs of it). */
export type Audience =
  | { readonly kind: 'accounts'; readonly accounts: readonly string[] }
  | { readonly kind: 'organization'; readonly id: string; readonly ouPaths: readonly string[] };

/**
 * Without root delegation no IAM policy in the owner account can grant access, and a policy
 * with no administrator locks the key out (KMS developer guide, "Default key policy").
 */
export function rootDelegationStatement(partition: Partition, owner: string): PolicyStatement {
  return {
    Sid: SID.rootDelegation,
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(partition, owner) },
    Action: ALL_KMS_ACTIONS,
    Resource: '*',
  };
}

export function administratorsStatement(administrators: readonly string[]): PolicyStatement {
  return {
    Sid: SID.administrators,
    Effect: 'Allow',
    Principal: { AWS: one([...administrators].sort()) },
    Action: [...KEY_ADMIN_ACTIONS],
    Resource: '*',
  };
}

function audiencePrincipal(partition: Partition, audience: Audience): PolicyStatement['Principal'] {
  return audience.kind === 'accounts' ? { AWS: one(audience.accounts.map((a) => accountRootArn(partition, a))) } : { AWS: '*' };
}

/** Organization membership conditions; empty for listed accounts, whose ARNs are the principal. */
export function audienceConditions(audience: Audience): ConditionBlock {
  if (audience.kind === 'accounts') return {};
  const conditions: ConditionBlock = { StringEquals: { [PRINCIPAL_ORG_ID]: audience.id } };
  if (audience.ouPaths.length > 0) {
    conditions['ForAnyValue:StringLike'] = { [PRINCIPAL_ORG_PATHS]: audience.ouPaths.map((p) => `${p}*`) };
  }
  return conditions;
}

export function consumerUseStatement(partition: Partition, audience: Audience): PolicyStatement {
  return withConditions(
    {
      Sid: SID.consumerUse,
      Effect: 'Allow',
      Principal: audiencePrincipal(partition, audience),
      Action: [...CONSUMER_KEY_ACTIONS],
      Resource: '*',
    },
    audienceConditions(audience),
  );
}

/**
 * Scope of the CreateGrant a consumer principal makes directly. No `kms:GrantIsForAWSResource`:
 * the consumer's own IAM principal calls CreateGrant, not an AWS service, so that condition
 * would be false and the call denied. The grantee and operations are pinned instead.
 * `grantees` may contain the `${aws:PrincipalAccount}` policy variable.
 */
export function autoScalingGrantConditions(grantees: readonly string[]): ConditionBlock {
  return {
    StringEquals: { [GRANTEE_PRINCIPAL]: one(grantees) },
    'ForAllValues:StringEquals': { [GRANT_OPERATIONS]: [...AUTOSCALING_GRANT_OPERATIONS] },
  };
}

/** One statement per listed consumer, so an account can only grant to its own service-linked role. */
export function consumerGrantStatement(partition: Partition, account: string, suffix?: string): PolicyStatement {
  return {
    Sid: SID.consumerGrant(account),
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(partition, account) },
    Action: CREATE_GRANT,
    Resource: '*',
    Condition: autoScalingGrantConditions([autoScalingRoleArn(partition, account, suffix)]),
  };
}

/**
 * How the organization-mode CreateGrant statement names the grantee.
 * - `own-account` (default): `arn:…:iam::${aws:PrincipalAccount}:role/…/AWSServiceRoleForAutoScaling[_suffix]`
 *   in kms:GranteePrincipal pairs each caller with its own account's role. IAM's grammar allows
 *   policy variables in condition values (IAM User Guide, "IAM policy elements: Variables and tags",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html),
 *   but no AWS KMS page shows one in a key policy outside kms:EncryptionContext:, so `check` states
 *   it as an assumption. If KMS did not resolve it, the value would match no grantee and CreateGrant
 *   would be denied: it fails closed, at the first consumer deploy.
 * - `any-account`: only documented behaviour: `StringLike` on kms:GranteePrincipal (KMS developer
 *   guide, "AWS KMS condition keys", kms:GranteePrincipal,
 *   https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grantee-principal)
 *   with any account's Auto Scaling role,
 *   `arn:<partition>:iam::*:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*`,
 *   and the caller's membership (aws:PrincipalOrgID, aws:PrincipalOrgPaths: IAM User Guide, "AWS global
 *   condition context keys", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 *   Trade-off: a member may create a grant for another account's Auto Scaling role, in or outside the organization.
 */
export const ORGANIZATION_GRANTEES = ['own-account', 'any-account'] as const;

/**
 * What a create-grant step proven through a statement whose kms:GranteePrincipal holds
 * `${aws:PrincipalAccount}` rests on; `check`, `synth` and `doctor` print it under "assuming".
 */
export function principalAccountGranteeAssumption(sid: string): string {
  return `KMS resolves \${aws:PrincipalAccount} inside kms:GranteePrincipal of ${sid}: IAM's grammar allows policy variables in condition values, but no AWS KMS page shows one in a key policy outside kms:EncryptionContext:, so the consumers' create-grant steps are proven under this assumption, not from a documented rule (if it is wrong, CreateGrant is denied at the first consumer deploy); organization.grantee: any-account uses only documented behaviour, at the cost that a member may grant another account's Auto Scaling role`;
}

/** Whether a statement's kms:GranteePrincipal condition holds `${aws:PrincipalAccount}`: the undocumented form above. */
export function granteeNamesPrincipalAccount(statement: PolicyStatement): boolean {
  return Object.values(statement.Condition ?? {}).some((entries) =>
    Object.entries(entries).some(
      ([key, value]) =>
        key.toLowerCase() === GRANTEE_PRINCIPAL.toLowerCase() && [value].flat().some((v) => String(v).includes(PRINCIPAL_ACCOUNT_VARIABLE)),
    ),
  );
}
export type OrganizationGrantee = (typeof ORGANIZATION_GRANTEES)[number];
export const DEFAULT_ORGANIZATION_GRANTEE: OrganizationGrantee = 'own-account';

/** Any account's EC2 Auto Scaling service-linked role, any suffix: the `any-account` grantee pattern. */
export function anyAutoScalingRolePattern(partition: Partition): string {
  return `${autoScalingRoleArn(partition, '*')}*`;
}

/**
 * Organization scale: one statement whatever the number of accounts, scoped by membership, the
 * grant operations and the grantee (see OrganizationGrantee).
 */
export function organizationGrantStatement(
  partition: Partition,
  audience: Extract<Audience, { kind: 'organization' }>,
  suffixes: readonly (string | undefined)[],
  grantee: OrganizationGrantee = DEFAULT_ORGANIZATION_GRANTEE,
): PolicyStatement {
  const grantees = [...new Set(suffixes.map((s) => autoScalingRoleArn(partition, PRINCIPAL_ACCOUNT_VARIABLE, s)))].sort();
  const pinned = autoScalingGrantConditions(grantees);
  const scope: ConditionBlock =
    grantee === 'own-account'
      ? pinned
      : {
          StringLike: { [GRANTEE_PRINCIPAL]: anyAutoScalingRolePattern(partition) },
          'ForAllValues:StringEquals': pinned['ForAllValues:StringEquals'],
        };
  const membership = audienceConditions(audience);
  return {
    Sid: SID.organizationGrant,
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: CREATE_GRANT,
    Resource: '*',
    Condition: { ...membership, ...scope, StringEquals: { ...membership.StringEquals, ...scope.StringEquals } },
  };
}

/**
 * Removed consumers whose tombstone stack still has to destroy what their stack created: only the
 * calls that tombstone's deploy path needs from the key policy (`teardownKeyPolicyActions`, from the
 * deploy-path model: ListGrants to refresh the grant and see it gone; RetireGrant is the grant's to
 * decide), so the account keeps no use of the key and cannot create a grant. Without it, once the
 * owner's policy drops the account its stack can no longer be refreshed or destroyed, and only the
 * owner could revoke the grant (KMS developer guide, "Retiring and revoking grants",
 * https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html).
 */
export function consumerTeardownStatement(partition: Partition, accounts: readonly string[]): PolicyStatement {
  return {
    Sid: SID.consumerTeardown,
    Effect: 'Allow',
    Principal: { AWS: one([...accounts].sort().map((a) => accountRootArn(partition, a))) },
    Action: one(teardownKeyPolicyActions(ANY_CONSUMER_STACK_TYPES)),
    Resource: '*',
  };
}

/** Same-account case, EC2 Auto Scaling guide Example 1: the role is named as principal. */
export function ownerAutoScalingUseStatement(partition: Partition, owner: string, suffix?: string): PolicyStatement {
  return {
    Sid: SID.ownerAutoScalingUse,
    Effect: 'Allow',
    Principal: { AWS: autoScalingRoleArn(partition, owner, suffix) },
    Action: [...KEY_USE_ACTIONS],
    Resource: '*',
  };
}

/** Same-account case: here EC2 makes the CreateGrant for the volume, so the condition is true. */
export function ownerAutoScalingAttachmentStatement(partition: Partition, owner: string, suffix?: string): PolicyStatement {
  return {
    Sid: SID.ownerAutoScalingAttachment,
    Effect: 'Allow',
    Principal: { AWS: autoScalingRoleArn(partition, owner, suffix) },
    Action: CREATE_GRANT,
    Resource: '*',
    Condition: { Bool: { [GRANT_IS_FOR_AWS_RESOURCE]: true } },
  };
}

/** What a consumer contributes to the key policy. */
export interface ConsumerIdentity {
  readonly account: string;
  readonly serviceLinkedRoleSuffix?: string;
  /** True when this consumer is the owner account: no grant, the key policy names its role directly. */
  readonly sameAccount: boolean;
}

/** An organization whose members are consumers by membership rather than one by one. */
export interface OrganizationAudience {
  readonly id: string;
  /** `aws:PrincipalOrgPaths` values, each ending in `/`. Empty: the whole organization. */
  readonly ouPaths: readonly string[];
  /** How the CreateGrant statement names the grantee (see OrganizationGrantee). @default own-account */
  readonly grantee?: OrganizationGrantee;
}

export function crossAccountConsumers<C extends ConsumerIdentity>(r: { readonly consumers: readonly C[] }): C[] {
  return r.consumers.filter((c) => !c.sameAccount);
}

export function sameAccountConsumer<C extends ConsumerIdentity>(r: { readonly consumers: readonly C[] }): C | undefined {
  return r.consumers.find((c) => c.sameAccount);
}

/** What the key policy depends on; a Rollout is one. */
export interface KeyPolicyInput {
  readonly partition: Partition;
  readonly owner: { readonly account: string };
  readonly key: { readonly administrators: readonly string[] };
  readonly consumers: readonly ConsumerIdentity[];
  readonly organization?: OrganizationAudience;
  /**
   * Consumers the config no longer lists whose tombstone stack still destroys what their stack
   * created (`synth --forget` ends it). With listed accounts the key policy keeps each for its
   * teardown only; an organization's members keep what membership gives them. @default none
   */
  readonly leaving?: readonly { readonly account: string }[];
}

export function audienceOf(rollout: KeyPolicyInput): Audience {
  const org = rollout.organization;
  return org
    ? { kind: 'organization', id: org.id, ouPaths: org.ouPaths }
    : { kind: 'accounts', accounts: crossAccountConsumers(rollout).map((c) => c.account) };
}

/** The complete key policy for a rollout. */
export function keyPolicy(rollout: KeyPolicyInput): PolicyDocument {
  const { partition } = rollout;
  const owner = rollout.owner.account;
  const statements: PolicyStatement[] = [rootDelegationStatement(partition, owner)];
  if (rollout.key.administrators.length > 0) statements.push(administratorsStatement(rollout.key.administrators));

  const cross = crossAccountConsumers(rollout);
  const audience = audienceOf(rollout);
  if (cross.length > 0 || audience.kind === 'organization') {
    statements.push(consumerUseStatement(partition, audience));
    if (audience.kind === 'organization') {
      // The default role always: unlisted members of the organization launch with it.
      statements.push(
        organizationGrantStatement(partition, audience, [undefined, ...cross.map((c) => c.serviceLinkedRoleSuffix)], rollout.organization?.grantee),
      );
    } else {
      for (const c of cross) statements.push(consumerGrantStatement(partition, c.account, c.serviceLinkedRoleSuffix));
    }
  }
  const leaving = rollout.leaving ?? [];
  if (audience.kind === 'accounts' && leaving.length > 0)
    statements.push(
      consumerTeardownStatement(
        partition,
        leaving.map((l) => l.account),
      ),
    );

  const self = sameAccountConsumer(rollout);
  if (self) {
    statements.push(ownerAutoScalingUseStatement(partition, owner, self.serviceLinkedRoleSuffix));
    statements.push(ownerAutoScalingAttachmentStatement(partition, owner, self.serviceLinkedRoleSuffix));
  }
  return policyDocument(statements);
}

function withConditions(statement: PolicyStatement, conditions: ConditionBlock): PolicyStatement {
  return Object.keys(conditions).length > 0 ? { ...statement, Condition: conditions } : statement;
}

/** A one-element list is written as a string, as AWS itself prints it. */
function one(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0] : [...values];
}
