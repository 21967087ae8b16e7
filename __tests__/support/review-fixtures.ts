import { configPlanDocuments, SYNTHESIZED_FORMAT_VERSION } from '../../src/review/config-plans';
import { parsePlan } from '../../src/review/plan';
import { providerAccount, StackPlan } from '../../src/review/plan-set';
import type { ReviewFinding as Finding, ReviewReport } from '../../src/review/report';
import { reviewPlans } from '../../src/review/review';
import { CONSUMER_A, rollout } from './rollouts';

/**
 * Plan fixtures for AWS resources, built from keyshare's own synthesized stacks in the documented
 * JSON format (version SYNTHESIZED_FORMAT_VERSION): before is the first config's resources,
 * after the second's. A test may then edit the documents, as a hand-made change would.
 */
export type PlanDocs = Map<string, any>;

const cache = new Map<string, string>();

export function planDocs(baseYaml: string, nextYaml: string = baseYaml): PlanDocs {
  const key = `${baseYaml}\u0000${nextYaml}`;
  let text = cache.get(key);
  if (!text) {
    text = JSON.stringify([...configPlanDocuments(rollout(baseYaml), rollout(nextYaml))]);
    cache.set(key, text);
  }
  const docs: PlanDocs = new Map(JSON.parse(text));
  for (const doc of docs.values()) expect(doc.format_version).toBe(SYNTHESIZED_FORMAT_VERSION);
  return docs;
}

export function stackPlans(docs: PlanDocs): StackPlan[] {
  return [...docs].map(([stack, doc]) => {
    const plan = parsePlan(doc, { flag: 'plan', file: `${stack}.json` });
    return { stack, account: providerAccount(plan.configuration), plan };
  });
}

export function review(docs: PlanDocs): ReviewReport {
  return reviewPlans(stackPlans(docs));
}

export function rules(report: ReviewReport): string[] {
  return [...new Set(report.findings.map((f: Finding) => f.rule))].sort();
}

/** The one resource change of `type` in `stack` (the first when several). */
export function changeOf(docs: PlanDocs, stack: string, type: string, nth = 0): any {
  const found = docs.get(stack).resource_changes.filter((rc: any) => rc.type === type);
  if (!found[nth]) throw new Error(`no ${type} #${nth} in ${stack}`);
  return found[nth];
}

/** Edits the key policy on the after side, as JSON, and marks the key updated. */
export function editKeyPolicy(docs: PlanDocs, edit: (policy: any) => void): void {
  const key = changeOf(docs, 'owner', 'aws_kms_key');
  const policy = JSON.parse(key.change.after.policy);
  edit(policy);
  key.change.after.policy = JSON.stringify(policy);
  if (key.change.actions[0] === 'no-op') key.change.actions = ['update'];
}

/** Edits the managed IAM policy of `stack` on the after side, as JSON, and marks it updated. */
export function editIamPolicy(docs: PlanDocs, stack: string, edit: (policy: any) => void): void {
  const policy = changeOf(docs, stack, 'aws_iam_policy');
  const doc = JSON.parse(policy.change.after.policy);
  edit(doc);
  policy.change.after.policy = JSON.stringify(doc);
  if (policy.change.actions[0] === 'no-op') policy.change.actions = ['update'];
}

export function statement(policy: any, sid: string): any {
  const s = policy.Statement.find((x: any) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
}

/** Adds to the consumer stack a boundary policy allowing `actions` and the role `name` bounded by it (`aws_iam_role.permissions_boundary`). */
export function bound(docs: PlanDocs, name: string, actions: readonly string[]): void {
  const stack = docs.get(`consumer-${CONSUMER_A}`);
  const template = changeOf(docs, `consumer-${CONSUMER_A}`, 'aws_iam_policy');
  const arn = `arn:aws:iam::${CONSUMER_A}:policy/boundary`;
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [...actions], Resource: '*' }] });
  const change = (type: string, resource: string, after: Record<string, unknown>) => ({
    ...template,
    address: `${type}.${resource}`,
    type,
    name: resource,
    change: { ...template.change, actions: ['create'], before: null, after, after_unknown: {}, before_sensitive: false, after_sensitive: {} },
  });
  stack.resource_changes.push(
    change('aws_iam_policy', 'boundary', { name: 'boundary', arn, policy }),
    change('aws_iam_role', name, { name, permissions_boundary: arn }),
  );
}
