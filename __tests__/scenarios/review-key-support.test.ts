/**
 * Documented scenarios, round three, as `review` decides them (issue #18, class 7): the access diff lists
 * only what the key can give. The import actions only on a key of origin EXTERNAL; and where the plans
 * do not give the key's type or origin, what depends on it is listed as Unknown, never as gained or lost.
 * Each was decided from the AWS page it cites, whose deciding sentence it quotes, before keyshare was
 * run. Fixtures are keyshare's own synthesized stacks, edited as a pull request's author would.
 */
import { UNKNOWN_ON_KEY } from '../../src/review/access';
import type { ReviewReport } from '../../src/review/report';
import { changeOf, editKeyPolicy, planDocs, review, type PlanDocs } from '../support/review-fixtures';
import { BASE_YAML, OWNER } from '../support/rollouts';
import { cite } from '../support/aws-pages';

const IMPORT_PAGE = 'https://docs.aws.amazon.com/kms/latest/APIReference/API_GetParametersForImport.html';
const EXTERNAL_ONLY = cite(
  IMPORT_PAGE,
  'Before calling GetParametersForImport, use the CreateKey operation with an Origin value of EXTERNAL to create a KMS key with no key material.',
);
const NO_CUSTOM_STORE = cite(IMPORT_PAGE, "However, you can't import key material into a KMS key in a custom key store.");
const KEY_TYPES = cite(
  'https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-compare.html',
  'The Key type table lists the AWS KMS operations that are valid for symmetric encryption KMS keys, asymmetric KMS keys, and HMAC KMS keys.',
);

/** A role of the key's own account: the import actions are never allowed across accounts, so only one there can gain them. */
const IMPORTER = `arn:aws:iam::${OWNER}:role/importer`;
const IMPORT = ['kms:GetParametersForImport', 'kms:ImportKeyMaterial', 'kms:DeleteImportedKeyMaterial'];

/** A change that gives IMPORTER every KMS action on the key; `edit` changes the key's attributes on both sides. */
function allKms(edit: (key: Record<string, unknown>) => void = () => {}): PlanDocs {
  const docs = planDocs(BASE_YAML);
  editKeyPolicy(docs, (p) => {
    p.Statement.push({ Sid: 'Everything', Effect: 'Allow', Principal: { AWS: IMPORTER }, Action: 'kms:*', Resource: '*' });
  });
  const key = changeOf(docs, 'owner', 'aws_kms_key');
  edit(key.change.before);
  edit(key.change.after);
  return docs;
}
/** What IMPORTER may do after the change (the owner's root delegation gave it as much before). */
const may = (r: ReviewReport) => r.keys[0].access.find((a) => a.who.id === IMPORTER)!.after;

describe('round three in review: the import actions only on a key of origin EXTERNAL (class 7)', () => {
  it(`kms:* on an aws_kms_key (origin AWS_KMS) gives none of the import actions (${EXTERNAL_ONLY.url})`, () => {
    expect(EXTERNAL_ONLY.quote).toMatch(/Origin value of EXTERNAL/);
    const g = may(review(allKms()));
    expect(g).toContain('kms:Decrypt');
    for (const action of IMPORT) expect(g.filter((x) => x.startsWith(action))).toEqual([]);
  });

  it(`kms:* on a key in a custom key store gives none of them either (${NO_CUSTOM_STORE.url})`, () => {
    expect(NO_CUSTOM_STORE.quote).toMatch(/custom key store/);
    const g = may(review(allKms((k) => Object.assign(k, { custom_key_store_id: 'cks-1234567890abcdef0' }))));
    for (const action of IMPORT) expect(g.filter((x) => x.startsWith(action))).toEqual([]);
  });
});

describe(`round three in review: a key whose type the plans do not give lists what depends on it as Unknown (${KEY_TYPES.url})`, () => {
  const unknownSpec = () => {
    const docs = allKms((k) => Object.assign(k, { customer_master_key_spec: null, key_usage: null }));
    const key = changeOf(docs, 'owner', 'aws_kms_key');
    Object.assign(key.change.after_unknown, { customer_master_key_spec: true, key_usage: true });
    return review(docs);
  };

  it('Decrypt, Sign and GenerateMac are Unknown, never plainly gained; DescribeKey, which every key allows, is gained', () => {
    expect(KEY_TYPES.quote).toMatch(/operations that are valid for symmetric encryption KMS keys/);
    const g = may(unknownSpec());
    for (const action of ['kms:Decrypt', 'kms:Sign', 'kms:GenerateMac', 'kms:GetPublicKey']) {
      expect(g).not.toContain(action);
      expect(g).toContain(`${action} ${UNKNOWN_ON_KEY.type}`);
    }
    expect(g).toContain('kms:DescribeKey');
    for (const action of IMPORT) expect(g.filter((x) => x.startsWith(action))).toEqual([]);
  });

  it('the key says why, and the diagram says use is Unknown', () => {
    const r = unknownSpec();
    expect(r.keys[0].notes.join('\n')).toMatch(/spec and usage are not in the plans/);
    expect(r.keys[0].diagram?.edges.find((e) => e.who.includes('importer'))?.access).toMatch(
      /^administer, use, if the key type allows it \(Unknown\)/,
    );
  });

  it('a known symmetric key lists none of them as Unknown', () => {
    expect(may(review(allKms())).filter((x) => x.includes('Unknown'))).toEqual([]);
  });
});

describe('round three in review: an existing key reviewed through its aws_kms_key_policy alone (class 7)', () => {
  it('neither its type nor its origin is in the plans: the import actions and the type-bound actions are Unknown', () => {
    const docs = allKms();
    const owner = docs.get('owner');
    const key = changeOf(docs, 'owner', 'aws_kms_key');
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const side = (s: { policy: string } | null) => (s ? { key_id: keyId, policy: s.policy } : null);
    owner.resource_changes = owner.resource_changes.filter((c: { type: string }) => c.type !== 'aws_kms_key');
    owner.resource_changes.push({
      ...key,
      address: 'aws_kms_key_policy.existing',
      type: 'aws_kms_key_policy',
      name: 'existing',
      change: { ...key.change, before: side(key.change.before), after: side(key.change.after), after_unknown: {} },
    });
    const r = review(docs);
    const g = may(r);
    for (const action of IMPORT) expect(g).toContain(`${action} ${UNKNOWN_ON_KEY.origin}`);
    expect(g).toContain(`kms:Decrypt ${UNKNOWN_ON_KEY.type}`);
    expect(r.keys[0].notes.join('\n')).toMatch(/origin is not in the plans/);
  });
});

describe('round three in review: a key for imported material (aws_kms_external_key, origin EXTERNAL) (class 7)', () => {
  it(`kms:* gives its importer the import actions, and Decrypt on its symmetric material (${EXTERNAL_ONLY.url})`, () => {
    const docs = allKms();
    const key = changeOf(docs, 'owner', 'aws_kms_key');
    const external = (s: Record<string, unknown> | null) =>
      s && {
        arn: s.arn,
        id: s.key_id,
        policy: s.policy,
        enabled: true,
        key_spec: 'SYMMETRIC_DEFAULT',
        key_usage: 'ENCRYPT_DECRYPT',
        deletion_window_in_days: 30,
      };
    Object.assign(key, { address: 'aws_kms_external_key.imported', type: 'aws_kms_external_key', name: 'imported' });
    Object.assign(key.change, { before: external(key.change.before), after: external(key.change.after) });
    const r = review(docs);
    expect(r.keys[0].address).toBe('aws_kms_external_key.imported');
    expect(may(r)).toEqual(expect.arrayContaining([...IMPORT, 'kms:Decrypt']));
    expect(may(r).filter((x) => x.includes('Unknown'))).toEqual([]);
  });
});
