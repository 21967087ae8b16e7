/**
 * Seeded, deterministic generator of key policies, identity policies and requests for the
 * differential test against @cloud-copilot/iam-simulate. Same seed, same cases.
 */
import type { ConditionBlock, PolicyDocument, PolicyStatement, PrincipalBlock } from '../../src/policy/document';
import { KEY, OTHER, OWNER, SLR, STRANGER } from './helpers';
import type { KmsRequest } from '../../src/policy/kms-api';

const OTHER_KEY = `arn:aws:kms:us-west-2:${OWNER}:key/ffffffff-12ab-34cd-56ef-1234567890ab`;

/** mulberry32: small, fast, good enough for test-case generation. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
function pick<T>(r: Rand, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}
function some<T>(r: Rand, items: readonly T[], max: number): T[] {
  const n = 1 + Math.floor(r() * max);
  return [...new Set(Array.from({ length: n }, () => pick(r, items)))];
}
function chance(r: Rand, p: number): boolean {
  return r() < p;
}

/** Callers: users and roles with and without paths, sessions, a service-linked role, in three accounts. */
export const CALLERS = [
  `arn:aws:iam::${OWNER}:user/alice`,
  `arn:aws:iam::${OWNER}:user/engineering/bob`,
  `arn:aws:iam::${OWNER}:role/Admin`,
  `arn:aws:sts::${OWNER}:assumed-role/Admin/alice-session`,
  `arn:aws:iam::${OTHER}:user/carol`,
  `arn:aws:iam::${OTHER}:role/Engineering`,
  `arn:aws:sts::${OTHER}:assumed-role/Engineering/bob`,
  `arn:aws:sts::${OTHER}:assumed-role/deploy/terraform`,
  SLR,
  `arn:aws:iam::${STRANGER}:user/mallory`,
  `arn:aws:iam::${OWNER}:root`,
  `arn:aws:iam::${OTHER}:root`,
  `arn:aws:sts::${STRANGER}:assumed-role/Engineering/eve`,
] as const;

const PRINCIPAL_VALUES = [
  `arn:aws:iam::${OWNER}:root`,
  `arn:aws:iam::${OTHER}:root`,
  `arn:aws:iam::${STRANGER}:root`,
  OWNER,
  OTHER,
  `arn:aws:iam::${OWNER}:user/alice`,
  `arn:aws:iam::${OWNER}:user/engineering/bob`,
  `arn:aws:iam::${OWNER}:role/Admin`,
  `arn:aws:iam::${OTHER}:role/Engineering`,
  `arn:aws:iam::${OTHER}:role/deploy`,
  `arn:aws:sts::${OTHER}:assumed-role/Engineering/bob`,
  SLR,
];

function principalBlock(r: Rand): PrincipalBlock {
  const roll = r();
  if (roll < 0.08) return '*';
  if (roll < 0.14) return { AWS: '*' };
  if (roll < 0.18) return { Service: 'ec2.amazonaws.com' };
  const values = some(r, PRINCIPAL_VALUES, 3);
  return { AWS: values.length === 1 && chance(r, 0.5) ? values[0] : values };
}

const ACTION_PATTERNS = [
  'kms:*',
  '*',
  'kms:Decrypt',
  'kms:decrypt',
  'kms:Encrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:Describe*',
  'kms:DescribeKey',
  'kms:CreateGrant',
  'kms:*Grant*',
  'kms:Get*',
  'kms:PutKeyPolicy',
  'kms:De*',
  'kms:ReEncrypt?rom',
  'kms:List*',
  'kms:ScheduleKeyDeletion',
  's3:GetObject',
];

export const REQUEST_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
  'kms:CreateGrant',
  'kms:CreateGrant',
  'kms:CreateGrant',
  'kms:ListGrants',
  'kms:RetireGrant',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
];

const ORG = 'o-a1b2c3d4e5';
const VIA_EC2 = 'ec2.us-west-2.amazonaws.com';
const GRANTEE_VARIABLE = 'arn:aws:iam::${aws:PrincipalAccount}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_web';

/** Condition templates KMS key policies use; each pairs with request values that do and don't satisfy it. */
const CONDITIONS: ((r: Rand) => ConditionBlock)[] = [
  (r) => ({ Bool: { 'kms:GrantIsForAWSResource': pick(r, [true, 'true', 'false']) } }),
  (r) => ({ [pick(r, ['BoolIfExists', 'Bool'])]: { 'aws:SecureTransport': pick(r, ['true', 'false']) } }),
  (r) => ({
    [pick(r, ['StringEquals', 'StringNotEquals', 'StringEqualsIfExists', 'StringNotEqualsIfExists'])]: {
      'kms:CallerAccount': some(r, [OWNER, OTHER, STRANGER], 2),
    },
  }),
  (r) => ({
    [pick(r, ['StringEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase'])]: {
      'aws:PrincipalOrgID': pick(r, [ORG, 'o-*', 'O-A1B2C3D4E5', 'o-zzzzzzzzzz']),
    },
  }),
  (r) => ({
    [pick(r, ['StringEquals', 'StringLike', 'StringNotEquals', 'StringEqualsIfExists'])]: {
      'kms:ViaService': pick(r, [VIA_EC2, 'ec2.*.amazonaws.com', 'rds.us-west-2.amazonaws.com']),
    },
  }),
  (r) => ({ Null: { 'kms:ViaService': pick(r, ['true', 'false']) } }),
  (r) => ({
    [pick(r, ['StringEquals', 'StringLike', 'ArnLike', 'ArnEquals', 'ArnNotLike'])]: {
      'kms:GranteePrincipal': some(r, [GRANTEE_VARIABLE, SLR, `arn:aws:iam::${OTHER}:role/*`, `arn:aws:iam::*:role/aws-service-role/*`], 2),
    },
  }),
  (r) => ({
    // A single-valued operator on a multivalued key is a classic mistake; it never matches.
    [pick(r, [
      'ForAllValues:StringEquals',
      'ForAnyValue:StringEquals',
      'ForAllValues:StringLike',
      'ForAnyValue:StringNotEquals',
      'StringEquals',
      'StringNotEquals',
    ])]: {
      'kms:GrantOperations': some(r, ['Decrypt', 'Encrypt', 'CreateGrant', 'ReEncrypt*', 'GenerateDataKeyWithoutPlaintext', 'DescribeKey'], 4),
    },
  }),
  (r) => ({
    [pick(r, ['ArnLike', 'ArnEquals', 'ArnNotEquals', 'ArnLikeIfExists'])]: {
      'aws:PrincipalArn': pick(r, [`arn:aws:iam::${OTHER}:role/*`, `arn:aws:iam::${OWNER}:role/Admin`, 'arn:aws:iam::*:user/*']),
    },
  }),
  (r) => ({
    [pick(r, ['ForAnyValue:StringLike', 'ForAllValues:StringLike'])]: {
      'aws:PrincipalOrgPaths': pick(r, [`${ORG}/r-ab12/ou-ab12-11111111/*`, `${ORG}/*`]),
    },
  }),
  (r) => ({
    [pick(r, ['NumericLessThan', 'NumericGreaterThanEquals', 'NumericLessThanIfExists'])]: { 'aws:MultiFactorAuthAge': pick(r, ['3600', '60']) },
  }),
  (r) => ({ [pick(r, ['DateLessThan', 'DateGreaterThan'])]: { 'aws:CurrentTime': pick(r, ['2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z']) } }),
  (r) => ({ StringEquals: { 'aws:username': pick(r, ['${aws:username}', 'carol', 'alice']) } }),
];

function conditions(r: Rand): ConditionBlock | undefined {
  if (!chance(r, 0.45)) return undefined;
  const block: ConditionBlock = {};
  for (const template of some(r, CONDITIONS, 2)) {
    for (const [op, entries] of Object.entries(template(r))) block[op] = { ...block[op], ...entries };
  }
  return block;
}

function actions(r: Rand): Pick<PolicyStatement, 'Action' | 'NotAction'> {
  const list = some(r, ACTION_PATTERNS, 3);
  const value = list.length === 1 && chance(r, 0.5) ? list[0] : list;
  return chance(r, 0.12) ? { NotAction: value } : { Action: value };
}

const NO_RESOURCE = '(none)';

function statement(r: Rand, i: number, withPrincipal: boolean, resources: string[]): PolicyStatement {
  const s: PolicyStatement = { Effect: chance(r, 0.15) ? 'Deny' : 'Allow', ...actions(r) };
  if (chance(r, 0.6)) s.Sid = `S${i}`;
  if (withPrincipal) {
    // NotPrincipal only with Deny, as AWS recommends (IAM User Guide, "NotPrincipal").
    if (s.Effect === 'Deny' && chance(r, 0.25)) s.NotPrincipal = { AWS: some(r, PRINCIPAL_VALUES, 2) };
    else s.Principal = principalBlock(r);
  }
  if (chance(r, 0.08)) s.NotResource = pick(r, [OTHER_KEY, KEY]);
  else {
    // Key policies sometimes lack Resource, which makes the statement inert (differential.test.ts).
    const resource = pick(r, withPrincipal && i === 1 ? [...resources, NO_RESOURCE] : resources);
    if (resource !== NO_RESOURCE) s.Resource = resource;
  }
  const c = conditions(r);
  if (c) s.Condition = c;
  return s;
}

function policy(r: Rand, withPrincipal: boolean, resources: string[]): PolicyDocument {
  const n = 1 + Math.floor(r() * 3);
  const statements = Array.from({ length: n }, (_, i) => statement(r, i, withPrincipal, resources));
  // Real key policies mostly start with root delegation and name consumer accounts; without
  // these the generator would produce few allowed requests.
  if (withPrincipal && chance(r, 0.5)) {
    statements.unshift({ Sid: 'EnableIam', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: 'kms:*', Resource: '*' });
  }
  if (withPrincipal && chance(r, 0.4)) {
    statements.push({
      Effect: 'Allow',
      Principal: { AWS: pick(r, [`arn:aws:iam::${OTHER}:root`, OTHER]) },
      Action: some(r, ACTION_PATTERNS, 3),
      Resource: '*',
    });
  }
  // keyshare's own grant statements: listed account, or organization with a policy variable.
  if (withPrincipal && chance(r, 0.35)) {
    const org = chance(r, 0.5);
    statements.push({
      Sid: org ? 'OrgGrant' : 'ConsumerGrant',
      Effect: 'Allow',
      Principal: { AWS: org ? '*' : `arn:aws:iam::${OTHER}:root` },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        ...(org
          ? { [pick(r, ['ForAnyValue:StringLike', 'ForAllValues:StringLike'])]: { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/ou-ab12-11111111/*` } }
          : {}),
        StringEquals: { 'kms:GranteePrincipal': org ? GRANTEE_VARIABLE : SLR, ...(org ? { 'aws:PrincipalOrgID': ORG } : {}) },
        [pick(r, ['ForAllValues:StringEquals', 'ForAnyValue:StringEquals'])]: {
          'kms:GrantOperations': some(r, ['Decrypt', 'Encrypt', 'CreateGrant', 'ReEncryptFrom', 'GenerateDataKeyWithoutPlaintext', 'DescribeKey'], 6),
        },
      },
    });
  }
  if (!withPrincipal && chance(r, 0.5))
    statements.push({ Effect: 'Allow', Action: pick(r, ['kms:*', '*', 'kms:CreateGrant', 'kms:Decrypt']), Resource: pick(r, resources) });
  return { Version: '2012-10-17', Statement: statements };
}

/** Request context values drawn from the same pools, so conditions sometimes hold and sometimes not. */
function requestContext(r: Rand, action: string): Record<string, string | boolean | string[]> {
  const context: Record<string, string | boolean | string[]> = {};
  if (chance(r, 0.5)) context['aws:PrincipalOrgID'] = pick(r, [ORG, 'o-zzzzzzzzzz']);
  if (chance(r, 0.3)) context['aws:PrincipalOrgPaths'] = some(r, [`${ORG}/r-ab12/ou-ab12-11111111/`, `${ORG}/r-ab12/ou-ab12-22222222/`], 2);
  if (chance(r, 0.4)) context['kms:ViaService'] = pick(r, [VIA_EC2, 'rds.us-west-2.amazonaws.com']);
  if (chance(r, 0.4)) context['aws:SecureTransport'] = pick(r, ['true', 'false']);
  if (chance(r, 0.3)) context['aws:MultiFactorAuthAge'] = pick(r, ['100', '7200']);
  if (chance(r, 0.3)) context['aws:CurrentTime'] = pick(r, ['2027-06-01T00:00:00Z', '2031-06-01T00:00:00Z']);
  if (action === 'kms:CreateGrant') {
    if (chance(r, 0.85)) context['kms:GrantIsForAWSResource'] = pick(r, [true, false]);
    if (chance(r, 0.85))
      context['kms:GranteePrincipal'] = pick(r, [SLR, `arn:aws:iam::${OTHER}:role/Engineering`, `arn:aws:iam::${STRANGER}:role/x`]);
    if (chance(r, 0.85))
      context['kms:GrantOperations'] = some(
        r,
        ['Decrypt', 'Encrypt', 'CreateGrant', 'ReEncryptFrom', 'GenerateDataKeyWithoutPlaintext', 'DescribeKey', 'RetireGrant'],
        4,
      );
  }
  return context;
}

export interface Case {
  readonly keyPolicy: PolicyDocument;
  readonly identityPolicies: PolicyDocument[];
  /** Each document one level of the organization. */
  readonly scps: PolicyDocument[];
  readonly request: KmsRequest;
}

/** SCPs: an allow-list level, a deny-list level (FullAWSAccess plus denies), or random statements. */
function scps(r: Rand): PolicyDocument[] {
  if (!chance(r, 0.3)) return [];
  return Array.from({ length: 1 + Math.floor(r() * 2) }, () => {
    const kind = r();
    if (kind < 0.4)
      return {
        Version: '2012-10-17',
        Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }, statement(r, 1, false, ['*'])],
      };
    if (kind < 0.6)
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: pick(r, ['ec2:*', 'kms:*', 'kms:Decrypt']), Resource: '*' }] };
    return policy(r, false, ['*', KEY]);
  });
}

const CONSUMER_CALLERS = CALLERS.filter((c) => c.includes(OTHER));

export function generate(seed: number): Case {
  const r = rng(seed);
  const keyPolicy = policy(r, true, ['*', '*', '*', KEY]);
  // Half the cases are shaped like keyshare's launch path: a consumer creating the grant.
  if (chance(r, 0.5)) {
    const action = pick(r, ['kms:CreateGrant', 'kms:CreateGrant', 'kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey']);
    const identityPolicies = [policy(r, false, [KEY, '*'])];
    const request = { principal: pick(r, CONSUMER_CALLERS), action, context: requestContext(r, action) };
    return { keyPolicy, identityPolicies, scps: scps(r), request };
  }
  const identityPolicies = Array.from({ length: Math.floor(r() * 2.6) }, () =>
    policy(r, false, ['*', KEY, KEY, OTHER_KEY, `arn:aws:kms:*:${OWNER}:key/*`]),
  );
  const action = pick(r, REQUEST_ACTIONS);
  return { keyPolicy, identityPolicies, scps: scps(r), request: { principal: pick(r, CALLERS), action, context: requestContext(r, action) } };
}
