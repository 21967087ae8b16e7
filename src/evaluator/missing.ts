import { CROSS_ACCOUNT_OPERATIONS } from '../policy/actions';
import { accountRootArn, isServiceLinkedRoleArn } from '../policy/arns';
import { boundaryAllows, crossAccountBlocked, grantDecidesAlone, grantsAllow, policiesAllow, scpsFailing, type Evaluation } from './combine';
import type { PolicyOutcome } from './policy';

function ids(outcome: PolicyOutcome, match?: 'direct' | 'account'): string {
  return outcome.allows
    .filter((h) => match === undefined || h.match === match)
    .map((h) => h.statement.id)
    .join(', ');
}

function nearMisses(outcomes: readonly PolicyOutcome[], what: (i: number) => string): string[] {
  return outcomes.flatMap((o, i) => o.nearMisses.map((m) => `${what(i)} statement ${m.statement.id} matches except ${m.reason}`));
}

/** Allow statements whose action patterns name no KMS action: a typo such as `kms:ReEncrypt` silently allows nothing. */
function unknownActions(outcomes: readonly PolicyOutcome[], what: (i: number) => string): string[] {
  return outcomes.flatMap((o, i) =>
    o.policy.statements
      .filter((s) => s.effect === 'Allow' && s.actions.unknown.length > 0)
      .map((s) => `${what(i)} statement ${s.id} names ${s.actions.unknown.join(', ')}, which is not a KMS action and allows nothing`),
  );
}

function nth(name: string, count: number) {
  return (i: number) => (count > 1 ? `${name} ${i + 1} of ${count}` : name);
}

/**
 * Says when no IAM policy was given at all, which `doctor` reports as an input not given. A
 * service-linked role is never given one: its policy is AWS's own, and `doctor`'s --iam-policy is
 * the grant creator's, so the note would be false for it.
 */
function identityGap(e: Evaluation): string {
  if (e.identityPoliciesGiven === 0 && !isServiceLinkedRoleArn(e.request.caller.arn)) return ' (no IAM policy of the caller was given)';
  return '';
}

function keyPolicySentences(e: Evaluation): string[] {
  const { caller, action } = e.request;
  const direct = ids(e.keyPolicy, 'direct');
  const account = ids(e.keyPolicy, 'account');
  const identityAllowed = (e.identity ?? []).flatMap((o) => o.allows.map((h) => h.statement.id)).join(', ');
  const out: string[] = [];
  if (!e.crossAccount) {
    if (account) {
      out.push(
        `the key policy delegates ${action} to account ${e.owner}'s IAM policies (statement ${account}) but no IAM policy of the caller allows ${action}${identityGap(e)}`,
      );
    } else if (!direct) {
      const iam = identityAllowed
        ? `; IAM policy statement ${identityAllowed} allows it, but IAM policies count only when the key policy allows account ${e.owner} (${accountRootArn(e.partition, e.owner)})`
        : '';
      out.push(
        `the key policy has no statement that allows ${caller.arn} ${action}, directly or through root delegation to account ${e.owner}'s IAM policies${iam}`,
      );
    }
  } else if (direct || account) {
    out.push(
      `the key policy allows ${direct ? caller.arn : `account ${caller.account}`} (statement ${direct || account}) but no IAM policy of the caller allows ${action}; across accounts both are required${identityGap(e)}`,
    );
  } else {
    const iam = identityAllowed ? `; IAM policy statement ${identityAllowed} of the caller allows it, which is not enough across accounts` : '';
    out.push(`the key policy has no statement that allows account ${caller.account} or ${caller.arn} ${action}${iam}`);
  }
  out.push(...nearMisses([e.keyPolicy], () => 'key policy'), ...unknownActions([e.keyPolicy], () => 'key policy'));
  if (!e.crossAccount && !account) return out;
  const iam = nth('IAM policy', e.identityPoliciesGiven);
  out.push(...nearMisses(e.identity ?? [], iam), ...unknownActions(e.identity ?? [], iam));
  return out;
}

function grantSentences(e: Evaluation): string[] {
  const { caller, action } = e.request;
  const out = e.grants.misses.map((m) => `grant ${m.id} names ${caller.arn} but ${m.reason}`);
  for (const hit of e.grants.allows) {
    out.push(`grant ${hit.id} is for account ${caller.account}, so an IAM policy of the caller must allow ${action}, and none does`);
  }
  if (e.grantsGiven > 0 && out.length === 0) out.push(`no grant on the key names ${caller.arn} as grantee`);
  return out;
}

/**
 * For an implicit deny, each thing that was missing, as a sentence naming the statement or grant
 * and the failing condition: `keyshare doctor` prints these and builds its fixes from them.
 */
export function explainMissing(e: Evaluation): string[] {
  const { caller, action } = e.request;
  if (crossAccountBlocked(e)) {
    return [
      `${action} does not work across accounts: the caller is in account ${caller.account}, the key in account ${e.owner}, and KMS honours cross-account permissions only for ${CROSS_ACCOUNT_OPERATIONS.join(', ')} (KMS developer guide, "Allowing users in other accounts to use a KMS key")`,
    ];
  }
  const out: string[] = [];
  const scps = e.scps ?? [];
  for (const i of scpsFailing(e)) {
    const scp = nth('SCP', scps.length)(i);
    const allowsNothing = scps[i].policy.statements.every((s) => s.effect === 'Deny');
    out.push(
      allowsNothing
        ? `${scp} allows no ${action} for ${caller.arn}: it has only Deny statements, and each SCP given must allow the request (each stands for one level of the organization; if FullAWSAccess is attached beside it, put its Allow statement in the same document)`
        : `${scp} allows no ${action} for ${caller.arn}`,
    );
    out.push(...nearMisses([scps[i]], () => scp));
  }
  if (e.boundary !== undefined && !boundaryAllows(e) && !policiesAllow(e)) {
    out.push(
      `the permissions boundary of ${caller.arn} allows no ${action}: it limits what IAM policies allow, and a key policy statement that names the role rather than the session (IAM User Guide, "Policy evaluation logic")`,
      ...nearMisses([e.boundary], () => 'permissions boundary'),
    );
  }
  if (grantDecidesAlone(e) && !grantsAllow(e)) {
    out.push(
      `${action} is decided by the grant, not by policies: the kms:RetireGrant permission is not effective in a key policy; a grant may be retired by its retiring principal, by its grantee when it allows RetireGrant, and by the account that created it (its root, or a principal whose IAM policy allows kms:RetireGrant) (KMS developer guide, "Retiring and revoking grants")`,
      ...grantSentences(e),
    );
  } else if (!policiesAllow(e) && !grantsAllow(e)) {
    out.push(...keyPolicySentences(e), ...grantSentences(e));
  }
  return out;
}
