import { accessDiff, attachedRoles } from './access';
import { heldPolicies, policyIndex } from './attachments';
import { countChanges } from './changes';
import { keyDiagram } from './diagram';
import { buildKeys, keyArnOn, type KeyModel, knownPolicies, ownerOf, policyOn, snapshotOn } from './keys';
import { type AccountIndex, launchPaths } from './launch';
import { permissionChanges, policyChanges } from './permissions';
import type { StackPlan } from './plan-set';
import type { KeyReview, ReviewReport, ReviewSource } from './report';
import { isStandInKeyArn } from '../policy/arns';
import { rcpIndex, rcpsBounding, type RcpIndex } from './rcps';
import { collectResources, emptyResources } from './resources';
import type { Side } from './values';
import { findRisks } from './risks';

function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

/** One key's review, and what its launch paths hold under (`assumedThrough`). */
function reviewKey(model: KeyModel, index: AccountIndex, rcps: RcpIndex): { review: KeyReview; assumptions: ReadonlySet<string> } {
  const owner = ownerOf([keyArnOn(model, 'after'), keyArnOn(model, 'before')], knownPolicies(model), model);
  const notes: string[] = [];
  const bounded = (side: Side) => {
    const s = snapshotOn(model, side, owner);
    if (!s.snapshot) return s;
    // KMS developer guide, "Key type reference" (policy/key-spec.ts): what only some keys allow is not assumed.
    if (s.snapshot.keyType === undefined)
      notes.push("the key's spec and usage are not in the plans: actions that only some key types allow are listed as Unknown");
    if (s.snapshot.keyOrigin === undefined)
      notes.push("the key's origin is not in the plans: the import actions, which only a key of origin EXTERNAL allows, are listed as Unknown");
    const b = rcpsBounding(rcps, s.snapshot.owner, side);
    notes.push(...b.notes, ...b.opaque.map((o) => `${o}: access ${side} it is not decided`));
    if (b.opaque.length > 0) return { assumed: s.assumed };
    const extra = { ...(b.rcps.length > 0 && { rcps: b.rcps }), ...(b.keyInManagementAccount && { keyInManagementAccount: true }) };
    return { ...s, snapshot: { ...s.snapshot, ...extra } };
  };
  const before = bounded('before');
  const after = bounded('after');
  for (const side of ['before', 'after'] as const) {
    const p = policyOn(model.policySource, side);
    if (p?.state === 'unknown') notes.push(`the key policy ${side} the change is known only after apply: access ${side} it is not decided`);
    if (p?.state === 'sensitive') notes.push(`the key policy ${side} the change is sensitive: it is neither shown nor decided`);
  }
  if (!owner) notes.push('the owner account could not be read (no key ARN, no root delegation, no provider account)');
  const { launch, suffixes, assumptions } = launchPaths(model.stack, before.snapshot, after.snapshot, index);
  const keyLabel = keyArnOn(model, 'after') ?? keyArnOn(model, 'before') ?? `${model.stack}: ${model.address}`;
  // A config review synthesizes the key with check's stand-in ID: its ARN is known in the plan, but not real.
  const assumed = before.assumed || after.assumed || isStandInKeyArn(keyLabel);
  if (assumed) notes.push(`the key ARN is not known yet; ${after.snapshot?.keyArn ?? before.snapshot?.keyArn ?? keyLabel} stands in for it`);
  const partition = owner?.partition ?? 'aws';
  const access = accessDiff(
    before.snapshot,
    after.snapshot,
    suffixes,
    attachedRoles(index.held, new Set([...suffixes.keys(), ...(owner ? [owner.account] : [])]), partition),
  );
  const diagram = keyDiagram(access);
  return {
    review: {
      key: keyLabel,
      stack: model.stack,
      address: model.address,
      keyArnAssumed: assumed,
      access,
      launch,
      ...(diagram && { diagram }),
      notes: [...new Set(notes)],
    },
    assumptions,
  };
}

/** Reviews the plans of one change: what it does, to which keys, who gains or loses access, which launch paths break, and its risks. */
export function reviewPlans(stacks: readonly StackPlan[], source: ReviewSource = { kind: 'plans' }): ReviewReport {
  const resources = emptyResources();
  for (const s of stacks) collectResources(s, resources);
  const managed = policyIndex(resources, new Map(stacks.map((s) => [s.stack, s])));
  const index: AccountIndex = {
    stacks: groupBy(stacks, (s) => s.account),
    iamPolicies: groupBy(resources.iamPolicies, (p) => p.account),
    held: heldPolicies(resources, managed),
  };
  const organization = rcpIndex(resources, new Map(stacks.map((s) => [s.stack, s])));
  const reviewed = buildKeys(stacks, resources).map((m) => reviewKey(m, index, organization));
  const keys = reviewed.map((r) => r.review);
  return {
    source,
    ...countChanges(stacks),
    policies: policyChanges(resources),
    permissions: permissionChanges(resources, managed),
    keys,
    findings: findRisks(resources, keys, managed),
    suppressed: [],
    assumptions: [
      'access is what the key policy, grants and the RCPs the plans attach allow, for a principal whose own IAM policy allows it; IAM policies, SCPs, RCPs not in the plans and VPC endpoint policies may narrow it further',
      'a role the plans attach IAM policies to (aws_iam_role_policy_attachment, aws_iam_role_policy) is decided with those policies alone: its other IAM policies are not in the plans',
      "a launch path's grant creator (the role its stack's provider assumes) holds the IAM policies the plans attach to that role; where they attach none, or one the plans do not show, its IAM policy is taken to allow CreateGrant on the key; where the stack names no role, it holds every IAM policy its account's stacks change",
      'where the key policy (or else an RCP the plans attach) names an organization, every consumer is taken to be a member (under the first OU path it names)',
      ...new Set(reviewed.flatMap((r) => [...r.assumptions])),
    ],
  };
}
