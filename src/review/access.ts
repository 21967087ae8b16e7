import { authorizeDecision, globRegExp, type KeyAccessInputs, kmsKeyActions, parseCaller } from '../evaluator';
import { type KeyOrigin, type KeyType, supportOnKey } from '../policy/key-spec';
import { ALLOW_ALL_KMS_IAM_POLICY } from '../policy/allow-all';
import { createGrantContext } from '../policy/grant';
import { CREATE_GRANT, EBS_VOLUME_GRANT_OPERATIONS, GRANTABLE_OPERATIONS, kmsAction } from '../policy/actions';
import {
  accountRootArn,
  anyIamPrincipalPattern,
  arnPatternFields,
  iamArnMatching,
  autoScalingRoleArn,
  isAccountPrincipal,
  parseAutoScalingRoleArn,
  type Partition,
  principalAccount,
  roleArn,
} from '../policy/arns';
import { PRINCIPAL_ACCOUNT, PRINCIPAL_ARN, PRINCIPAL_ORG_ID, PRINCIPAL_ORG_PATHS, VIA_SERVICE } from '../policy/conditions';
import { ec2Service } from '../policy/consumer-policy';
import { listOf, type PolicyDocument } from '../policy/document';
import { conditionValues, organizationsOf } from '../policy/reading';
import { ACCOUNT_ID, ACCOUNT_ID_LENGTH, ACCOUNT_ID_SOURCE } from '../policy/formats';
import type { ContextValue, KmsRequest } from '../policy/kms-api';
import type { HeldPolicies } from './attachments';
import { grantsOf, keyBounds, type KeySnapshot, membership } from './keys';
import type { PrincipalAccess, Who } from './report';

/** Capability names beyond plain actions: CreateGrant is decided for who the grant is for. */
export const CREATE_GRANT_OWN_ROLE = `${CREATE_GRANT} (for its own Auto Scaling role)`;
export const CREATE_GRANT_ANY = `${CREATE_GRANT} (for any grantee)`;
export const CREATE_GRANT_FOR_AWS_RESOURCE = `${CREATE_GRANT} (by an AWS service, for a resource)`;

const STAND_INS = ['999999999999', '999999999998', '999999999997', '999999999996'];

function whoOf(principal: string): Who | undefined {
  if (principal.includes('${')) return undefined;
  if (isAccountPrincipal(principal)) {
    const account = principalAccount(principal)!;
    return { kind: 'account', id: account, label: `account ${account}` };
  }
  return principalAccount(principal) ? { kind: 'principal', id: principal, label: principal } : undefined;
}

/** Everyone the snapshots name, in a stable order: accounts, principals, organizations, anyone. */
export function whoIsNamed(snapshots: readonly KeySnapshot[]): Who[] {
  const found = new Map<string, Who>();
  const add = (w: Who | undefined) => w && found.set(`${w.kind}:${w.id}`, w);
  for (const s of snapshots) {
    for (const st of s.policy.Statement) {
      const block = st.Principal ?? st.NotPrincipal;
      if (block === undefined) continue;
      const aws = block === '*' ? ['*'] : listOf(block.AWS);
      for (const p of aws) {
        if (p === '*') add({ kind: 'anyone', id: '*', label: 'anyone (any AWS account)' });
        else if (accountPattern(p) !== undefined)
          add({ kind: 'anyone', id: p, label: `anyone in an account matching ${accountPattern(p)} (Principal ${p}; ${PATTERN_PRINCIPAL_UNKNOWN})` });
        else add(whoOf(p));
      }
    }
    // An account or principal a condition on the caller names can meet it: decided as itself, not as a stranger.
    for (const v of conditionValues(s.policy, PRINCIPAL_ACCOUNT)) if (ACCOUNT_ID.test(v)) add(whoOf(v));
    for (const v of conditionValues(s.policy, PRINCIPAL_ARN)) if (!/[*?]/.test(v)) add(whoOf(v));
    for (const org of organizationsOf(s.policy)) {
      add({
        kind: 'organization',
        id: org.id,
        label: `organization ${org.id}${org.paths.length ? ` (OUs ${org.paths.join(', ')})` : ''} (any member account)`,
      });
    }
    for (const g of s.grants) add(whoOf(g.GranteePrincipal));
  }
  const order = { account: 0, principal: 1, organization: 2, anyone: 3 };
  return [...found.values()].sort((a, b) => order[a.kind] - order[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

interface Caller {
  readonly principal: string;
  readonly account: string;
  readonly context: Record<string, ContextValue>;
}

function callerFor(who: Who, snapshot: KeySnapshot, named: ReadonlySet<string>): Caller {
  const standIn = STAND_INS.find((a) => !named.has(a))!;
  switch (who.kind) {
    case 'account':
      return { principal: accountRootArn(snapshot.partition, who.id), account: who.id, context: membership(snapshot) };
    case 'principal':
      return { principal: who.id, account: principalAccount(who.id)!, context: membership(snapshot) };
    case 'organization': {
      const org = organizationsOf(snapshot.policy).find((o) => o.id === who.id);
      const context: Record<string, ContextValue> = { [PRINCIPAL_ORG_ID]: who.id };
      if (org && org.paths.length > 0) context[PRINCIPAL_ORG_PATHS] = [org.paths[0]];
      return { principal: roleArn(snapshot.partition, standIn, 'member'), account: standIn, context };
    }
    case 'anyone':
      return { principal: roleArn(snapshot.partition, standIn, 'stranger'), account: standIn, context: {} };
  }
}

/**
 * The principals "anyone" stands for: a stranger's role, and each IAM principal the key policy's
 * `aws:PrincipalArn` patterns admit in an account no one names (`arn:aws:iam::*:role/deploy` →
 * a stranger's role named deploy). A wildcard principal whose conditions any account can meet
 * gives the key to anyone: "Principal": "*" with such a condition is decided for a principal that
 * meets it, not only for one that does not.
 */
function callersFor(who: Who, snapshot: KeySnapshot, named: ReadonlySet<string>): Caller[] {
  if (who.kind === 'anyone' && who.id !== '*') {
    // A Principal whose account field is a pattern: a principal of an account it matches.
    const f = arnPatternFields(who.id);
    const account = strangerMatching(accountPattern(who.id)!, named);
    const principal = account && (f ? iamArnMatching(f, snapshot.partition, account) : accountRootArn(snapshot.partition, account));
    return principal && principalAccount(principal) === account ? [{ principal, account, context: {} }] : [];
  }
  const one = callerFor(who, snapshot, named);
  if (who.kind !== 'anyone') return [one];
  const out = [one];
  for (const pattern of new Set(conditionValues(snapshot.policy, PRINCIPAL_ARN))) {
    const f = arnPatternFields(pattern);
    if (!f || pattern.includes('${') || !/[*?]/.test(f.account)) continue;
    const account = strangerMatching(f.account, named);
    if (!account) continue;
    const principal = iamArnMatching(f, snapshot.partition, account);
    if (principalAccount(principal) === account) out.push({ principal, account, context: {} });
  }
  // aws:PrincipalAccount given as a pattern (StringLike "1111*"): a stranger's role in an account it matches.
  for (const pattern of new Set(conditionValues(snapshot.policy, PRINCIPAL_ACCOUNT))) {
    if (!/[*?]/.test(pattern) || pattern.includes('${')) continue;
    const account = strangerMatching(pattern, named);
    if (account) out.push({ principal: roleArn(snapshot.partition, account, 'stranger'), account, context: {} });
  }
  return out;
}

/**
 * The key policy with a Principal value whose account field holds a wildcard read as the pattern its
 * author wrote: Principal "*" with the caller's ARN tested against it (`ArnLike aws:PrincipalArn`, the
 * account form as any principal of a matching account). IAM matches no wildcard inside a Principal ARN
 * (IAM User Guide, "AWS JSON policy elements: Principal",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html), so KMS
 * would refuse or never match it; review shows the widest reading rather than nobody, since what it
 * cannot read is never a pass. ARN operators compare "each of the six colon-delimited components of
 * the ARN ... separately" with `*` and `?` (IAM User Guide, "Condition operators", ARN condition operators).
 */
function readingPattern(policy: PolicyDocument, principal: string): PolicyDocument {
  const f = arnPatternFields(principal);
  const pattern = f && f.resource !== 'root' ? principal : anyIamPrincipalPattern(f?.partition ?? '*', accountPattern(principal)!);
  return {
    ...policy,
    Statement: policy.Statement.flatMap((st) => {
      const block = st.Principal;
      if (block === undefined || block === '*' || !listOf(block.AWS).includes(principal)) return [st];
      const rest = listOf(block.AWS).filter((p) => p !== principal);
      const others = rest.length > 0 || Object.keys(block).some((k) => k !== 'AWS') ? [{ ...st, Principal: { ...block, AWS: rest } }] : [];
      // ArnLike and ArnEquals match alike; a statement testing aws:PrincipalArn with one keeps it with the other.
      const operator = ['ArnLike', 'ArnEquals'].find(
        (o) => !Object.keys(st.Condition?.[o] ?? {}).some((k) => k.toLowerCase() === PRINCIPAL_ARN.toLowerCase()),
      );
      if (!operator) return others;
      const condition = { ...st.Condition, [operator]: { ...st.Condition?.[operator], [PRINCIPAL_ARN]: pattern } };
      return [...others, { ...st, Principal: { AWS: '*' }, Condition: condition }];
    }),
  };
}

/**
 * IAM User Guide, "AWS JSON policy elements: Principal"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html): "You
 * cannot use a wildcard to match part of a principal name or ARN." The page does not say whether KMS
 * then refuses the policy or matches no one, so the row says Unknown, citing it, beside the widest reading.
 */
export const PATTERN_PRINCIPAL_UNKNOWN =
  'Unknown: "You cannot use a wildcard to match part of a principal name or ARN" (IAM User Guide, reference_policies_elements_principal), so KMS refuses this policy or matches no one; the widest reading is shown';

/** The account field of a Principal value when it holds a wildcard (`arn:aws:iam::1111*:root`, `1111*`). */
function accountPattern(principal: string): string | undefined {
  const account = arnPatternFields(principal)?.account ?? principal;
  return /[*?]/.test(account) && /^[0-9*?]+$/.test(account) ? account : undefined;
}

/**
 * An account ID the glob `pattern` admits that no one names: a stand-in when one matches, else the
 * pattern with each wildcard filled by one repeated digit (`1111*` → 111199999999).
 */
function strangerMatching(pattern: string, named: ReadonlySet<string>): string | undefined {
  const re = globRegExp(pattern, false);
  const standIn = STAND_INS.find((a) => !named.has(a) && re.test(a));
  if (standIn) return standIn;
  const fill = ACCOUNT_ID_LENGTH - pattern.replace(/[*?]/g, '').length - (pattern.match(/\?/g) ?? []).length;
  for (const digit of '9876543210') {
    let first = true;
    const candidate = pattern.replace(/\?/g, digit).replace(/\*/g, () => {
      const run = first ? digit.repeat(Math.max(0, fill)) : '';
      first = false;
      return run;
    });
    if (ACCOUNT_ID.test(candidate) && re.test(candidate) && !named.has(candidate)) return candidate;
  }
  return undefined;
}

/** What an action depending on a key type or origin the plans do not give is named in the access diff. */
export const UNKNOWN_ON_KEY = {
  type: '(Unknown: whether the key allows it depends on its spec and usage, which the plans do not give)',
  origin: "(Unknown: only a key of origin EXTERNAL allows it, and the plans do not give the key's origin)",
} as const;

const ACTIONS = new Map<string, { action: string; name: string }[]>();
/**
 * The KMS actions a key policy or grant can give on this key, by their canonical names: those that
 * act on a key (not on the account), that the key's type and origin allow (`supportOnKey`), each
 * named with its Unknown when that depends on a type or origin the plans do not give.
 */
function actionsOn(type: KeyType | undefined, origin: KeyOrigin | undefined): { action: string; name: string }[] {
  const cacheKey = `${type}|${origin}`;
  let out = ACTIONS.get(cacheKey);
  if (!out) {
    out = [...kmsKeyActions()]
      .flatMap((a) => {
        const support = supportOnKey(a, type, origin);
        if (support === 'no') return [];
        const action = kmsAction(a);
        if (support === 'yes') return [{ action, name: action }];
        return [
          { action, name: `${action} ${supportOnKey(a, type ?? 'symmetric', origin) === 'unknown' ? UNKNOWN_ON_KEY.origin : UNKNOWN_ON_KEY.type}` },
        ];
      })
      .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    ACTIONS.set(cacheKey, out);
  }
  return out;
}

/**
 * What a decision for one principal depends on besides the key: the accounts named, its Auto
 * Scaling role's suffix, and the IAM policies the plans attach to it.
 */
interface Standing {
  readonly named: ReadonlySet<string>;
  readonly suffix?: string;
  readonly held?: readonly PolicyDocument[];
  /** The permissions boundary of a role decided with `held`. */
  readonly boundary?: PolicyDocument;
}

/**
 * What `who` may do with the key on one side. Each principal but a service-linked role, or a role
 * the plans attach IAM policies to, is given an IAM policy that allows every KMS action, so the key
 * policy and grants alone decide: the access diff is what the key owner gives, which each
 * account's own IAM policies may narrow.
 */
function capabilities(who: Who, snapshot: KeySnapshot, { named, suffix, held, boundary }: Standing): Set<string> {
  const allowed = new Set<string>();
  for (const caller of callersFor(who, snapshot, named)) {
    // A service-linked role's permissions are AWS's, and AWSServiceRoleForAutoScaling's hold no KMS
    // action: it uses a key only through the key policy or a grant (EC2 Auto Scaling guide, page above).
    // A role the plans attach IAM policies to is decided with those, as KMS decides a cross-account
    // call with the caller's IAM policy too (KMS developer guide, "Allowing users in other accounts to
    // use a KMS key", https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
    const identityPolicies = held ?? (parseCaller(caller.principal).serviceLinked ? [] : [ALLOW_ALL_KMS_IAM_POLICY]);
    const inputs: KeyAccessInputs = {
      keyArn: snapshot.keyArn,
      keyPolicy: who.kind === 'anyone' && who.id !== '*' ? readingPattern(snapshot.policy, who.id) : snapshot.policy,
      identityPolicies,
      grants: grantsOf(snapshot, caller.account),
      ...keyBounds(snapshot),
      ...(held && boundary && { permissionsBoundary: boundary }),
    };
    const decide = (name: string, request: Omit<KmsRequest, 'principal'>) => {
      if (authorizeDecision(inputs, { principal: caller.principal, ...request, context: { ...caller.context, ...request.context } }) === 'Allowed')
        allowed.add(name);
    };
    for (const { action, name } of actionsOn(snapshot.keyType, snapshot.keyOrigin)) if (action !== CREATE_GRANT) decide(name, { action });
    const ownRole =
      who.kind === 'principal' && parseAutoScalingRoleArn(who.id) ? who.id : autoScalingRoleArn(snapshot.partition, caller.account, suffix);
    // Its own role's grant in the plan says what CreateGrant carries, as the launch path decides it.
    const planned = inputs.grants?.find((g) => g.GranteePrincipal.toLowerCase() === ownRole.toLowerCase());
    decide(CREATE_GRANT_OWN_ROLE, { action: CREATE_GRANT, context: createGrantContext(ownRole, planned?.Operations) });
    const stranger = autoScalingRoleArn(
      snapshot.partition,
      STAND_INS.find((a) => !named.has(a) && a !== caller.account)!,
    );
    decide(CREATE_GRANT_ANY, { action: CREATE_GRANT, context: createGrantContext(stranger, GRANTABLE_OPERATIONS) });
    decide(CREATE_GRANT_FOR_AWS_RESOURCE, {
      action: CREATE_GRANT,
      context: { [VIA_SERVICE]: ec2Service(snapshot.region), ...createGrantContext(ownRole, EBS_VOLUME_GRANT_OPERATIONS, true) },
    });
  }
  return allowed;
}

/**
 * Principals that differ only in their account decide alike when neither policy text nor anything
 * but their own grants names that account: at organization scale, a thousand consumers' Auto
 * Scaling roles are one class, decided once per side with the account written as a variable.
 */
const classes = new WeakMap<KeySnapshot, { named: ReadonlySet<string>; results: Map<string, Set<string>> }>();

/**
 * Every account ID the policy text may name (each 12-digit window of each run of digits), read
 * once: searching the text per principal made a key policy of thousands of statements quadratic
 * (issue #19).
 */
function accountIdsIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const [run] of text.matchAll(new RegExp(`${ACCOUNT_ID_SOURCE}\\d*`, 'g'))) {
    for (let i = 0; i + ACCOUNT_ID_LENGTH <= run.length; i++) out.add(run.slice(i, i + ACCOUNT_ID_LENGTH));
  }
  return out;
}

function cachedCapabilities(who: Who, snapshot: KeySnapshot, standing: Standing): Set<string> {
  const { suffix, held, boundary } = standing;
  let cache = classes.get(snapshot);
  if (!cache) {
    cache = { named: accountIdsIn(JSON.stringify([snapshot.policy, snapshot.rcps ?? []])), results: new Map() };
    classes.set(snapshot, cache);
  }
  const account = who.kind === 'account' ? who.id : who.kind === 'principal' ? principalAccount(who.id) : undefined;
  if (!account || !ACCOUNT_ID.test(account) || account === snapshot.owner || cache.named.has(account)) return capabilities(who, snapshot, standing);
  const generic = (text: string) => text.split(account).join('<account>');
  const key = `${who.kind}|${generic(who.id)}|${suffix ?? ''}|${generic(JSON.stringify(grantsOf(snapshot, account)))}|${held ? generic(JSON.stringify(held)) : ''}|${held && boundary ? generic(JSON.stringify(boundary)) : ''}`;
  let result = cache.results.get(key);
  if (!result) {
    result = capabilities(who, snapshot, standing);
    cache.results.set(key, result);
  }
  return result;
}

function namedAccounts(snapshots: readonly KeySnapshot[], who: readonly Who[]): Set<string> {
  const out = new Set<string>(snapshots.map((s) => s.owner));
  for (const w of who) {
    if (w.kind === 'account') out.add(w.id);
    if (w.kind === 'principal') out.add(principalAccount(w.id)!);
  }
  return out;
}

/**
 * Who gains or loses which KMS actions. `suffixes` gives each consumer account's Auto Scaling
 * role suffix, for deciding CreateGrant for its own role.
 */
export function accessDiff(
  before: KeySnapshot | undefined,
  after: KeySnapshot | undefined,
  suffixes: ReadonlyMap<string, string | undefined>,
  roles: ReadonlyMap<string, RolePolicies> = new Map(),
): PrincipalAccess[] {
  const snapshots = [before, after].filter((s): s is KeySnapshot => s !== undefined);
  const namedWho = whoIsNamed(snapshots);
  const listed = new Set(namedWho.map((w) => w.id));
  // A role the key policy names keeps the key owner's view; the others are decided with what the plans attach to them.
  const attached = [...roles].filter(([arn]) => !listed.has(arn)).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const who: Who[] = [...namedWho, ...attached.map(([id, r]) => ({ kind: 'principal' as const, id, label: r.label }))];
  const named = namedAccounts(snapshots, who);
  const out: PrincipalAccess[] = [];
  for (const w of who) {
    const account = w.kind === 'account' ? w.id : w.kind === 'principal' ? principalAccount(w.id) : undefined;
    const suffix = account ? suffixes.get(account) : undefined;
    const held = listed.has(w.id) ? undefined : roles.get(w.id);
    const b = before ? cachedCapabilities(w, before, { named, suffix, held: held?.before, boundary: held?.boundary.before }) : new Set<string>();
    const a = after ? cachedCapabilities(w, after, { named, suffix, held: held?.after, boundary: held?.boundary.after }) : new Set<string>();
    const gained = [...a].filter((x) => !b.has(x)).sort();
    const lost = [...b].filter((x) => !a.has(x)).sort();
    if (gained.length > 0 || lost.length > 0 || a.size > 0) out.push({ who: w, gained, lost, after: [...a].sort() });
  }
  return out;
}

/** A role and the IAM policies the plans attach to it on each side, for the access diff. */
export interface RolePolicies {
  readonly label: string;
  readonly before: readonly PolicyDocument[];
  readonly after: readonly PolicyDocument[];
  /** Its permissions boundary on each side, when the plans give it. */
  readonly boundary: { readonly before?: PolicyDocument; readonly after?: PolicyDocument };
}

/** Roles of the key's accounts that the plans attach IAM policies to, by role ARN. */
export function attachedRoles(
  held: ReadonlyMap<string, ReadonlyMap<string, HeldPolicies>>,
  accounts: Iterable<string>,
  partition: Partition,
): Map<string, RolePolicies> {
  const out = new Map<string, RolePolicies>();
  for (const account of accounts) {
    for (const [name, policies] of held.get(account) ?? []) {
      out.set(roleArn(partition, account, name), { label: `role ${name} of account ${account} (its IAM policies in the plans)`, ...policies });
    }
  }
  return out;
}
