import { CREATE_GRANT } from '../policy/actions';
import { GRANT_IS_FOR_AWS_RESOURCE, PRINCIPAL_ACCOUNT, PRINCIPAL_ORG_ID, PRINCIPAL_ORG_PATHS, CALLER_ACCOUNT } from '../policy/conditions';
import { KEY_POLICY_MAX_BYTES, listOf, PolicyDocument, PolicyStatement, policyBytes } from '../policy/document';
import { KEY_POLICY_SIZE_FIX } from '../policy/size';
import { rootDelegation } from '../inputs/key-arn';

export type Level = 'error' | 'warning';

export interface Finding {
  readonly level: Level;
  /** Stable rule ID, for suppressions and for `review`. */
  readonly rule: string;
  /** The statement's Sid (or `Statement[i]`), when one statement is at fault. */
  readonly statement?: string;
  readonly message: string;
  readonly fix: string;
}

const idOf = (s: PolicyStatement, i: number) => s.Sid ?? `Statement[${i}]`;

/** Account IDs a statement's principals belong to; `*` for anyone. */
function principalAccounts(s: PolicyStatement): string[] {
  if (s.Principal === '*') return ['*'];
  return listOf(s.Principal?.AWS).map((p) => (p === '*' ? '*' : /^\d{12}$/.test(p) ? p : (p.split(':')[4] ?? p)));
}

/** Condition keys that tie a wildcard principal to known accounts. */
const SCOPING_KEYS = [PRINCIPAL_ORG_ID, PRINCIPAL_ORG_PATHS, PRINCIPAL_ACCOUNT, CALLER_ACCOUNT, 'aws:SourceAccount', 'aws:PrincipalArn'].map((k) => k.toLowerCase());

function conditionKeys(s: PolicyStatement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block).map((k) => k.toLowerCase()));
}

function grantsEverything(s: PolicyStatement): boolean {
  return listOf(s.Action).some((a) => a === '*' || a.toLowerCase() === 'kms:*');
}

/**
 * Lints a key policy. These are the risk rules: `check` applies them to what keyshare emits, and
 * they hold for any key policy a user brings.
 */
export function lintKeyPolicy(policy: PolicyDocument, owner: string): Finding[] {
  const findings: Finding[] = [];
  if (!rootDelegation(policy)) {
    findings.push({
      level: 'error',
      rule: 'root-delegation-missing',
      message: `no statement gives arn:aws:iam::${owner}:root kms:* without conditions: IAM policies of the owner account cannot grant access, and a key with no working administrator is locked out`,
      fix: 'keep the EnableOwnerAccountIamPolicies statement (the KMS default key policy first statement)',
    });
  }
  const bytes = policyBytes(policy);
  if (bytes > KEY_POLICY_MAX_BYTES) {
    findings.push({ level: 'error', rule: 'policy-size', message: `the key policy is ${bytes} bytes, over the KMS limit of ${KEY_POLICY_MAX_BYTES}`, fix: KEY_POLICY_SIZE_FIX });
  } else if (bytes > KEY_POLICY_MAX_BYTES * 0.8) {
    findings.push({ level: 'warning', rule: 'policy-size', message: `the key policy is ${bytes} bytes, over 80% of the KMS limit of ${KEY_POLICY_MAX_BYTES}`, fix: KEY_POLICY_SIZE_FIX });
  }
  policy.Statement.forEach((s, i) => {
    if (s.Effect !== 'Allow') return;
    const accounts = principalAccounts(s);
    const keys = conditionKeys(s);
    if (accounts.includes('*') && !keys.some((k) => SCOPING_KEYS.includes(k))) {
      findings.push({
        level: 'error',
        rule: 'wildcard-principal-without-org',
        statement: idOf(s, i),
        message: `${idOf(s, i)} allows any AWS principal, with no condition on aws:PrincipalOrgID, aws:PrincipalOrgPaths or the caller's account`,
        fix: 'name the accounts, or add a StringEquals condition on aws:PrincipalOrgID',
      });
    }
    const foreign = accounts.filter((a) => a !== owner);
    if (grantsEverything(s) && foreign.length > 0) {
      findings.push({
        level: 'error',
        rule: 'kms-star-to-another-account',
        statement: idOf(s, i),
        message: `${idOf(s, i)} gives every KMS action, administration included, to ${foreign.join(', ')}`,
        fix: 'give other accounts only Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey and a scoped CreateGrant',
      });
    }
    const forAwsResource = Object.values(s.Condition ?? {}).some((block) =>
      Object.entries(block).some(([k, v]) => k.toLowerCase() === GRANT_IS_FOR_AWS_RESOURCE.toLowerCase() && String(v) === 'true'),
    );
    if (forAwsResource && listOf(s.Action).includes(CREATE_GRANT) && foreign.some((a) => a !== '*')) {
      findings.push({
        level: 'error',
        rule: 'cross-account-grant-for-aws-resource',
        statement: idOf(s, i),
        message: `${idOf(s, i)} lets ${foreign.join(', ')} call CreateGrant only when an AWS service calls for them (kms:GrantIsForAWSResource=true), but a consumer creates its Auto Scaling grant itself, so that call is denied`,
        fix: `remove the ${GRANT_IS_FOR_AWS_RESOURCE} condition and scope the statement with kms:GranteePrincipal and kms:GrantOperations instead`,
      });
    }
  });
  return findings;
}
