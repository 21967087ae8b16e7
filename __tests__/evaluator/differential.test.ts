/**
 * Differential test: our evaluator against the independent simulator @cloud-copilot/iam-simulate
 * on seeded, generated combinations of key policy, identity policies, SCPs and request (no
 * grants: the simulator does not model them). Agreement must be total. Classes where the KMS documentation says the simulator is wrong
 * are excluded by the named predicates below, and each is kept as its own test with the citation.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { authorize } from '../../src/evaluator';
import { CROSS_ACCOUNT_OPERATIONS } from '../../src/policy/actions';
import { generate, type Case } from './generate';
import { KEY, OWNER } from './helpers';

const CASES = 1000;

function accountOf(principal: string): string {
  return principal.split(':')[4];
}

/**
 * KMS developer guide, "Allowing users in other accounts to use a KMS key": permissions for any
 * other operation have no effect across accounts. The simulator applies no such rule.
 */
function crossAccountUndocumentedOperation(c: Case): boolean {
  return accountOf(c.request.principal) !== OWNER && !CROSS_ACCOUNT_OPERATIONS.some((op) => `kms:${op}` === c.request.action);
}

/**
 * The account root user is not subject to IAM policies (none can be attached to it), and a key
 * policy that allows its account gives it full access (KMS developer guide, "Default key policy",
 * "Allows access to the AWS account and enables IAM policies"). The simulator treats it like an
 * IAM user that still needs an identity policy.
 */
function rootUserCaller(c: Case): boolean {
  return /^arn:aws:iam::\d{12}:root$/.test(c.request.principal);
}

/**
 * SCPs do not affect service-linked roles (AWS Organizations User Guide, "Service control
 * policies"); the simulator applies them to every principal.
 */
function serviceLinkedRoleUnderScps(c: Case): boolean {
  return c.scps.length > 0 && c.request.principal.includes(':role/aws-service-role/');
}

/**
 * "If either of the required Resource or Action elements are missing from a key policy statement,
 * the policy statement has no effect" (KMS developer guide, "Creating a key policy",
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html). The simulator
 * reads a missing Resource as every resource. Kept as its own scenarios in __tests__/scenarios/documented.test.ts.
 */
function keyPolicyStatementWithoutResource(c: Layered): boolean {
  const inert = c.keyPolicy.Statement.some((s) => s.Resource === undefined && s.NotResource === undefined);
  if (!inert) return false;
  // Only the cases where reading it as the simulator does (every resource) changes our answer.
  const asSimulator = {
    ...c.keyPolicy,
    Statement: c.keyPolicy.Statement.map((s) => (s.Resource === undefined && s.NotResource === undefined ? { ...s, Resource: '*' } : s)),
  };
  const decide = (keyPolicy: typeof c.keyPolicy) =>
    authorize(
      { keyArn: KEY, keyPolicy, identityPolicies: c.identityPolicies, scps: c.scps, rcps: c.rcps, permissionsBoundary: c.permissionsBoundary },
      c.request,
    ).decision;
  return decide(asSimulator) !== decide(c.keyPolicy);
}

/**
 * "The kms:RetireGrant permission is not effective in a key policy": the grant decides who may
 * retire it (KMS developer guide, "Retiring and revoking grants",
 * https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html). The simulator lets the
 * key policy and IAM policies allow it. Kept as its own scenarios in __tests__/scenarios/documented.test.ts.
 */
function retireGrantDecidedByTheGrant(c: Case): boolean {
  return c.request.action.toLowerCase() === 'kms:retiregrant';
}

/**
 * RCPs do not restrict service-linked roles (Organizations User Guide, "Resource control policies
 * (RCPs)", Resources and entities not restricted by RCPs); the simulator applies them to every
 * principal. Kept as a scenario in __tests__/scenarios/round-three.test.ts.
 */
function serviceLinkedRoleUnderRcps(c: Layered): boolean {
  return c.rcps.length > 0 && c.request.principal.includes(':role/aws-service-role/');
}

/**
 * A Deny whose NotPrincipal names the caller's account but not the caller (IAM User Guide, "AWS JSON
 * policy elements: NotPrincipal",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
 * The page's example names Bob and his account and says "all principals *except* the user named Bob
 * in AWS account 444455556666 are explicitly denied access to a resource", so keyshare denies the
 * account's other principals (round four's NotPrincipal scenarios); where the caller is named but its
 * role or account is not, AWS "might validate the account first, then the role", and keyshare
 * answers Unknown naming the page (`undecided`). The simulator, which has no Unknown, exempts every
 * principal of a named account without a permissions boundary and denies with one.
 */
function notPrincipalNamesOnlyTheAccount(c: Layered): boolean {
  const account = accountOf(c.request.principal);
  return c.keyPolicy.Statement.some((st) => {
    if (st.Effect !== 'Deny' || !st.NotPrincipal || st.NotPrincipal === '*') return false;
    const names = [st.NotPrincipal.AWS ?? []].flat();
    return names.some((n) => n === account || n === `arn:aws:iam::${account}:root`) && !names.includes(c.request.principal);
  });
}

/** A case with the layers round three added: a permissions boundary and RCPs, built from other seeds' policies. */
interface Layered extends Case {
  readonly permissionsBoundary?: Case['keyPolicy'];
  readonly rcps: Case['scps'];
}

const LAYER_SEED = 100_000;

/** Every eighth case gets a boundary (another case's identity policy), every ninth an RCP (another case's statements as Denies on Principal "*"). */
function layered(seed: number): Layered {
  const c = generate(seed);
  const other = generate(seed + LAYER_SEED);
  const permissionsBoundary = seed % 8 === 0 ? other.identityPolicies[0] : undefined;
  const source = other.identityPolicies[other.identityPolicies.length - 1];
  const rcps =
    seed % 9 === 1 && source
      ? [
          {
            ...source,
            // The RCP grammar has no NotAction and no Action "*" (the simulator refuses both).
            Statement: source.Statement.flatMap((st) => {
              const actions = [st.Action ?? []].flat().filter((a) => a !== '*');
              return actions.length > 0 ? [{ ...st, Action: actions, Effect: 'Deny' as const, Principal: '*' as const }] : [];
            }),
          },
        ].filter((d) => d.Statement.length > 0)
      : [];
  return { ...c, ...(permissionsBoundary && { permissionsBoundary }), rcps };
}

const EXCLUSIONS: Record<string, (c: Layered) => boolean> = {
  serviceLinkedRoleUnderRcps,
  notPrincipalNamesOnlyTheAccount,
  crossAccountUndocumentedOperation,
  rootUserCaller,
  serviceLinkedRoleUnderScps,
  keyPolicyStatementWithoutResource,
  retireGrantDecidedByTheGrant,
};

/**
 * The keys AWS puts in every request context (IAM User Guide, "AWS global condition context keys";
 * KMS developer guide, "AWS KMS condition keys" and "Infrastructure security"); the simulator does
 * not derive them, so they are given to it as keyshare derives them (`evaluator/context.ts`).
 */
function derivedContext(principal: string, given: Record<string, unknown>): Record<string, string> {
  const account = accountOf(principal);
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(principal);
  const context: Record<string, string> = {
    'aws:PrincipalArn': session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : principal,
    'aws:PrincipalAccount': account,
    'kms:CallerAccount': account,
    'aws:PrincipalIsAWSService': 'false',
    'aws:SecureTransport': 'true',
    'aws:ResourceAccount': OWNER,
    'aws:RequestedRegion': 'us-west-2',
    'kms:MultiRegion': 'false',
  };
  // Through a service as a service-linked role the page does not decide aws:ViaAWSService: keyshare leaves it out, so does the oracle.
  const viaService = Object.keys(given).some((k) => k.toLowerCase() === 'kms:viaservice');
  if (!(viaService && principal.includes(':role/aws-service-role/'))) context['aws:ViaAWSService'] = String(viaService);
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(principal);
  if (user) context['aws:username'] = user[1];
  return context;
}

function oracleContext(context: Record<string, unknown>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(context).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]));
}

async function oracle(c: Layered) {
  const response = await runSimulation(
    {
      request: {
        principal: c.request.principal,
        action: c.request.action,
        resource: { resource: KEY, accountId: OWNER },
        contextVariables: oracleContext({ ...derivedContext(c.request.principal, c.request.context ?? {}), ...c.request.context }),
      },
      identityPolicies: c.identityPolicies.map((policy, i) => ({ name: `p${i}`, policy })),
      serviceControlPolicies: c.scps.map((policy, i) => ({
        orgIdentifier: i === 0 ? 'o-a1b2c3d4e5' : `ou-ab12-${i}`,
        policies: [{ name: `scp${i}`, policy }],
      })),
      resourceControlPolicies: c.rcps.map((policy, i) => ({
        orgIdentifier: i === 0 ? 'o-a1b2c3d4e5' : `ou-ab12-${i}`,
        policies: [{ name: `rcp${i}`, policy }],
      })),
      ...(c.permissionsBoundary && { permissionBoundaryPolicies: [{ name: 'boundary', policy: c.permissionsBoundary }] }),
      resourcePolicy: c.keyPolicy,
    },
    {},
  );
  if (response.resultType !== 'single') throw new Error(`simulator rejected the case: ${JSON.stringify(response)}`.slice(0, 2000));
  return { decision: response.overallResult, ignored: response.result.ignoredContextKeys ?? [] };
}

describe('differential against @cloud-copilot/iam-simulate', () => {
  const seeds = Array.from({ length: CASES }, (_, i) => i + 1);

  it(`agrees on all ${CASES} generated cases outside the documented exclusions`, async () => {
    const disagreements: string[] = [];
    const tally: Record<string, number> = { Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0, excluded: 0, boundary: 0, rcp: 0 };
    for (const seed of seeds) {
      const c = layered(seed);
      if (Object.values(EXCLUSIONS).some((p) => p(c))) {
        tally.excluded++;
        continue;
      }
      const expected = await oracle(c);
      // The simulator drops context keys the action does not support, as AWS never sends them;
      // both sides decide on the same context.
      const context = Object.fromEntries(Object.entries(c.request.context ?? {}).filter(([k]) => !expected.ignored.includes(k)));
      const inputs = {
        keyArn: KEY,
        keyPolicy: c.keyPolicy,
        identityPolicies: c.identityPolicies,
        scps: c.scps,
        rcps: c.rcps,
        permissionsBoundary: c.permissionsBoundary,
      };
      const actual = authorize(inputs, { ...c.request, context });
      tally[actual.decision]++;
      if (c.permissionsBoundary) tally.boundary++;
      if (c.rcps.length > 0) tally.rcp++;
      if (actual.decision !== expected.decision) {
        disagreements.push(
          `seed ${seed}: simulator ${expected.decision}, ours ${actual.decision}\n${JSON.stringify({ ...c, request: { ...c.request, context } })}`,
        );
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The generator must exercise every outcome, or agreement proves little.
    // aws:SecureTransport is now true in every request, as KMS requires TLS: the generated "...IfExists false" allows no longer match.
    expect(tally.Allowed).toBeGreaterThan(CASES / 12);
    expect(tally.ExplicitlyDenied).toBeGreaterThan(CASES / 20);
    expect(tally.ImplicitlyDenied).toBeGreaterThan(CASES / 10);
    expect(CASES - tally.excluded).toBeGreaterThanOrEqual(500);
    // Permissions boundaries and RCPs are compared too.
    expect(tally.boundary).toBeGreaterThan(50);
    expect(tally.rcp).toBeGreaterThan(40);
  });
});
