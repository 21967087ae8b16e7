import * as fs from 'fs';
import * as path from 'path';
import { CONSUMER_SID } from '../../src/policy/consumer-policy';
import { SID } from '../../src/policy/key-policy';
import { keyshareInProcess } from '../cli/in-process';
import { expectBadInput } from '../support/cli';
import { planDocs, review, rules } from '../support/review-fixtures';
import { BASE_YAML, CONSUMER_B, OWNER } from '../support/rollouts';
import { tempDir } from '../support/temp';

/** `review --base-config OLD --config NEW`: both configs synthesized in memory, no plans. */
const KEY = `arn:aws:kms:us-west-2:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const WITH_KEY = BASE_YAML.replace('key: { alias: golden-ami,', `key: { alias: golden-ami, arn: "${KEY}",`);
const WITHOUT_B = (yaml: string) => yaml.replace(/ {2}- \{ account: "777788889999".*\n/, '');

let dir: string;
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
beforeAll(() => (dir = tempDir('keyshare-review-configs-')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('an existing key (key.arn) is named by its ARN, through its aws_kms_key_policy', () => {
  const report = review(planDocs(WITH_KEY, WITHOUT_B(WITH_KEY)));
  expect(report.keys.map((k) => [k.key, k.keyArnAssumed])).toEqual([[KEY, false]]);
  expect(report.keys[0].launch.find((l) => l.account === CONSUMER_B)?.status).toBe('removed');
  expect(rules(report)).toEqual(['autoscaling-grant-removed']);
  const diffs = new Map(report.policies.map((p) => [p.address.split('.')[0], p.statements.map((st) => `${st.change} ${st.id}`).sort()]));
  // B's tombstone destroys its grant; meanwhile the key policy keeps B for that teardown only.
  expect(diffs.get('aws_kms_key_policy')).toEqual([
    `added ${SID.consumerTeardown}`,
    `changed ${SID.consumerUse}`,
    `removed ${SID.consumerGrant(CONSUMER_B)}`,
  ]);
  expect(diffs.get('aws_iam_policy')).toEqual(
    Object.values(CONSUMER_SID)
      .map((sid) => `removed ${sid}`)
      .sort(),
  );
});

it('judges a config change through the CLI by --fail-on', async () => {
  const base = write('base.yaml', BASE_YAML);
  const next = write('next.yaml', BASE_YAML.replace('key: { alias: golden-ami,', 'key: { alias: golden-ami, rotation: false,'));
  const high = await keyshareInProcess(['review', '--base-config', base, '--config', next, '--format', 'text']);
  expect(high.status).toBe(0);
  expect(high.stdout).toMatch(/MEDIUM rotation-disabled/);
  expect((await keyshareInProcess(['review', '--base-config', base, '--config', next, '--fail-on', 'medium'])).status).toBe(1);
});

it('bad input names the flag, the file and the field', async () => {
  const base = write('ok.yaml', BASE_YAML);
  const missing = await keyshareInProcess(['review', '--base-config', path.join(dir, 'missing.yaml'), '--config', base]);
  expectBadInput(missing, /^keyshare: --base-config: file not found \(got ".*missing\.yaml"\)/);
  expect(missing.stderr).not.toContain('--config');
  expectBadInput(
    await keyshareInProcess(['review', '--base-config', base, '--config', write('bad.yaml', BASE_YAML.replace('us-west-2', 'mars-1'))]),
    /--config .*bad\.yaml: owner\.region/,
  );
  expectBadInput(await keyshareInProcess(['review', '--base-config', base]), /--config: is required with --base-config/, /give both/);
  expectBadInput(
    await keyshareInProcess(['review', 'plan.json', '--base-config', base, '--config', base]),
    /plans/,
    /either plan files or two configs/,
  );
  expectBadInput(await keyshareInProcess(['review']), /plans/, /none given/);
});
