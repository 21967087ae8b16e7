import { coversAllKmsActions } from './actions';
import { DEFAULT_PARTITION, parseRootArn, type Partition } from './arns';
import { PRINCIPAL_ORG_ID, PRINCIPAL_ORG_PATHS } from './conditions';
import { listOf, type PolicyDocument, type PolicyStatement } from './document';
import { ACCOUNT_ID } from './formats';

/**
 * Readers of policy documents, whoever wrote them: `check` lints what keyshare emits, `review` the
 * policies a plan writes, `inputs` what users paste from the AWS CLI.
 */

/** `arn:<p>:iam::<acct>:root` or the bare account ID KMS accepts for it. */
export function rootAccount(principal: string): { partition: Partition; account: string } | undefined {
  if (ACCOUNT_ID.test(principal)) return { partition: DEFAULT_PARTITION, account: principal };
  return parseRootArn(principal);
}

/** The KMS default key policy's first statement: the account root, every KMS action, no condition. */
export function rootDelegation(policy: PolicyDocument): { partition: Partition; account: string; statement: PolicyStatement } | undefined {
  for (const statement of policy.Statement) {
    if (statement.Effect !== 'Allow' || statement.Condition || statement.Principal === '*' || !statement.Principal) continue;
    if (!coversAllKmsActions(listOf(statement.Action))) continue;
    const root = listOf(statement.Principal.AWS)
      .map(rootAccount)
      .find((r) => r !== undefined);
    if (root) return { ...root, statement };
  }
  return undefined;
}

/** The condition keys a statement tests, in lower case: IAM compares condition keys case-insensitively. */
export function conditionKeys(s: PolicyStatement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block).map((k) => k.toLowerCase()));
}

/**
 * A condition's values as strings: the policy grammar allows a string, a number or a Boolean, or a
 * list of them (IAM User Guide, "Grammar of the IAM JSON policy language", condition_value_list,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).
 */
export function conditionValueList(values: unknown): string[] {
  return (Array.isArray(values) ? values : [values]).filter((v) => v !== undefined && v !== null).map(String);
}

/** Every value the policy's conditions give `key`, under any operator. */
export function conditionValues(policy: PolicyDocument, key: string): string[] {
  const lower = key.toLowerCase();
  return policy.Statement.flatMap((s) =>
    Object.values(s.Condition ?? {}).flatMap((block) =>
      Object.entries(block).flatMap(([k, v]) => (k.toLowerCase() === lower ? conditionValueList(v) : [])),
    ),
  );
}

/** An organization a policy admits members of, with the OU paths it narrows them to. */
export interface AdmittedOrganization {
  readonly id: string;
  readonly paths: readonly string[];
}

/**
 * Organizations the policy admits members of. Read once per document: review asks for every
 * principal of a key policy, and a rescan per principal made a policy of thousands of statements
 * quadratic (issue #19). Documents are never mutated once read, so the answer is kept with them.
 */
export function organizationsOf(policy: PolicyDocument): readonly AdmittedOrganization[] {
  let found = admitted.get(policy);
  if (!found) {
    const paths = conditionValues(policy, PRINCIPAL_ORG_PATHS).map((p) => p.replace(/\*$/, ''));
    found = [...new Set(conditionValues(policy, PRINCIPAL_ORG_ID))].sort().map((id) => ({ id, paths: paths.filter((p) => p.startsWith(`${id}/`)) }));
    admitted.set(policy, found);
  }
  return found;
}
const admitted = new WeakMap<PolicyDocument, readonly AdmittedOrganization[]>();
