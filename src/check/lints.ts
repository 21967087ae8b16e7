import { coversAllKmsActions, CREATE_GRANT } from '../policy/actions';
import { patternAccount, principalAccount } from '../policy/arns';
import {
  CALLER_ACCOUNT,
  GRANT_IS_FOR_AWS_RESOURCE,
  PRINCIPAL_ACCOUNT,
  PRINCIPAL_ARN,
  PRINCIPAL_ORG_ID,
  PRINCIPAL_ORG_PATHS,
  SOURCE_ACCOUNT,
} from '../policy/conditions';
import {
  IAM_MANAGED_POLICY_MAX_CHARS,
  KEY_POLICY_MAX_BYTES,
  listOf,
  PolicyDocument,
  PolicyStatement,
  policyBytes,
  statementId,
} from '../policy/document';
import { finding, Finding } from '../policy/rules';
import { iamPolicyOverflow, keyPolicyNearLimit, keyPolicyOverflow } from '../policy/size';
import { conditionValueList, rootDelegation } from '../policy/reading';

const idOf = statementId;

/**
 * Account IDs a statement's principals belong to; `*` for anyone, and for an account field with a
 * wildcard (`arn:aws:iam::1111*:root`), which review reads as any account it matches.
 */
function principalAccounts(s: PolicyStatement): string[] {
  if (s.Principal === '*') return ['*'];
  return listOf(s.Principal?.AWS).map((p) => {
    const account = p === '*' ? '*' : (principalAccount(p) ?? p);
    return WILDCARD.test(account) ? '*' : account;
  });
}

const WILDCARD = /[*?]/;

/** Condition keys that tie a wildcard principal to known accounts or an organization. */
const SCOPING_KEYS = [PRINCIPAL_ORG_ID, PRINCIPAL_ORG_PATHS, PRINCIPAL_ACCOUNT, CALLER_ACCOUNT, SOURCE_ACCOUNT].map((k) => k.toLowerCase());
/** Of those, the keys that name one account or organization each: a value with a wildcard (`1111*`) names none. */
const ONE_VALUE_KEYS = [PRINCIPAL_ORG_ID, PRINCIPAL_ACCOUNT, CALLER_ACCOUNT, SOURCE_ACCOUNT].map((k) => k.toLowerCase());

/**
 * Whether the statement's conditions tie a wildcard principal to known accounts or an organization,
 * under an operator that is not negated and, for an account or organization ID, with no wildcard in it
 * (`StringLike aws:PrincipalAccount 1111*` admits every account whose ID starts 1111).
 * `aws:PrincipalArn` does only when each ARN it is tested against names an account: "Principal":
 * "*" with `ArnLike aws:PrincipalArn arn:aws:iam::*:role/deploy` admits any account's role named
 * deploy (IAM User Guide, "AWS global condition context keys", aws:PrincipalArn,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 */
function scopesPrincipal(s: PolicyStatement): boolean {
  return Object.entries(s.Condition ?? {}).some(([operator, block]) =>
    Object.entries(block).some(([key, values]) => {
      const k = key.toLowerCase();
      const given = conditionValueList(values);
      // A negated operator ("StringNotEquals aws:PrincipalAccount") admits every other account.
      if (operator.includes('Not')) return false;
      if (ONE_VALUE_KEYS.includes(k)) return given.length > 0 && given.every((v) => !WILDCARD.test(v));
      if (SCOPING_KEYS.includes(k)) return true;
      return k === PRINCIPAL_ARN.toLowerCase() && given.length > 0 && given.every((arn) => patternAccount(arn) !== undefined);
    }),
  );
}

function grantsEverything(s: PolicyStatement): boolean {
  return coversAllKmsActions(listOf(s.Action));
}

/**
 * Lints a key policy: the rules of src/policy/rules.ts that hold for any key policy. `check`
 * applies them to what keyshare emits, `review` to the policies a plan writes.
 */
export function lintKeyPolicy(policy: PolicyDocument, owner: string): Finding[] {
  const findings: Finding[] = [];
  if (!rootDelegation(policy)) {
    findings.push(
      finding(
        'root-delegation-missing',
        `no statement gives the root of account ${owner} kms:* without conditions: IAM policies of the owner account cannot grant access, and a key with no working administrator is locked out`,
      ),
    );
  }
  const over = keyPolicyOverflow(policy);
  if (over !== undefined) {
    findings.push(
      finding(
        'policy-size',
        `the key policy is ${over.toLocaleString('en-US')} bytes, over the KMS limit of ${KEY_POLICY_MAX_BYTES.toLocaleString('en-US')}`,
      ),
    );
  } else if (keyPolicyNearLimit(policy)) {
    findings.push(
      finding(
        'policy-size-near-limit',
        `the key policy is ${policyBytes(policy).toLocaleString('en-US')} bytes, over 80% of the KMS limit of ${KEY_POLICY_MAX_BYTES.toLocaleString('en-US')}`,
      ),
    );
  }
  policy.Statement.forEach((s, i) => {
    if (s.Effect !== 'Allow') return;
    const statement = idOf(s, i);
    const accounts = principalAccounts(s);
    if (accounts.includes('*') && !scopesPrincipal(s)) {
      findings.push(
        finding(
          'wildcard-principal-without-org',
          `${statement} allows any AWS principal, with no condition on aws:PrincipalOrgID, aws:PrincipalOrgPaths or the caller's account`,
          { statement },
        ),
      );
    }
    const foreign = accounts.filter((a) => a !== owner);
    if (grantsEverything(s) && foreign.length > 0) {
      findings.push(
        finding('kms-star-to-another-account', `${statement} gives every KMS action, administration included, to ${foreign.join(', ')}`, {
          statement,
        }),
      );
    }
    const forAwsResource = Object.values(s.Condition ?? {}).some((block) =>
      Object.entries(block).some(([k, v]) => k.toLowerCase() === GRANT_IS_FOR_AWS_RESOURCE.toLowerCase() && String(v) === 'true'),
    );
    if (forAwsResource && listOf(s.Action).includes(CREATE_GRANT) && foreign.some((a) => a !== '*')) {
      findings.push(
        finding(
          'cross-account-grant-for-aws-resource',
          `${statement} lets ${foreign.join(', ')} call CreateGrant only when an AWS service calls for them (kms:GrantIsForAWSResource=true), but a consumer creates its Auto Scaling grant itself, so that call is denied`,
          { statement },
        ),
      );
    }
  });
  return findings;
}

/**
 * Lints a customer managed IAM policy: IAM's size quota. `check` applies it to the consumer IAM
 * policy keyshare emits, `review` to every aws_iam_policy a plan writes; `what` names the policy.
 */
export function lintIamPolicy(policy: PolicyDocument, what: string): Finding[] {
  const over = iamPolicyOverflow(policy);
  return over === undefined
    ? []
    : [
        finding(
          'iam-policy-size',
          `${what} is ${over} characters without white space, over IAM's limit of ${IAM_MANAGED_POLICY_MAX_CHARS} for a managed policy, so IAM would refuse it`,
        ),
      ];
}
