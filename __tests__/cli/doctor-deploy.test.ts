import * as fs from 'fs';
import * as path from 'path';
import { consumerIamPolicy } from '../../src/policy/consumer-policy';
import { issuedAutoScalingGrant } from '../../src/policy/grant';
import { keyPolicy, SID } from '../../src/policy/key-policy';
import type { PolicyDocument } from '../../src/policy/document';
import { BASE_YAML, CONSUMER_A, OWNER, REGION, rollout } from '../support/rollouts';
import { tempDir } from '../support/temp';
import { keyshareInProcess as run } from './in-process';

/**
 * `doctor --deploy-role`: beside the launch path, every KMS call Terraform's AWS provider makes on
 * the key for the consumer's stack (src/policy/deploy-path.ts), decided for that role; a key policy
 * that does not let the consumer ListGrants breaks Terraform while the launch still works.
 */
const KEY = `arn:aws:kms:${REGION}:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DEPLOY = `arn:aws:iam::${CONSUMER_A}:role/deploy`;
const r = rollout(BASE_YAML.replace('key: { alias: golden-ami,', `key: { alias: golden-ami, arn: "${KEY}",`));
const policy = keyPolicy(r);
const withoutListGrants: PolicyDocument = {
  ...policy,
  Statement: policy.Statement.map((s) =>
    s.Sid === SID.consumerUse ? { ...s, Action: (s.Action as string[]).filter((a) => a !== 'kms:ListGrants') } : s,
  ),
};

function files(keyPolicyDoc: PolicyDocument): string[] {
  const dir = tempDir('keyshare-doctor-deploy-');
  const write = (name: string, doc: unknown) => {
    fs.writeFileSync(path.join(dir, name), JSON.stringify(doc));
    return path.join(dir, name);
  };
  return [
    '--key-policy',
    write('key-policy.json', keyPolicyDoc),
    '--iam-policy',
    write('iam.json', consumerIamPolicy('aws', REGION, CONSUMER_A, KEY)),
    '--grants',
    write('grants.json', { Grants: [{ ...issuedAutoScalingGrant('aws', KEY, CONSUMER_A), GrantId: 'a'.repeat(64) }] }),
    '--key-arn',
    KEY,
    '--consumer',
    CONSUMER_A,
  ];
}

it("keyshare's key policy and IAM policy: the launch and Terraform's calls are allowed, exit 0", async () => {
  const out = await run(['doctor', ...files(policy), '--deploy-role', DEPLOY]);
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  expect(out.stdout).toContain(`Deploy path (every KMS call Terraform's AWS provider makes on the key for the consumer's stack, as ${DEPLOY}):`);
  expect(out.stdout).toContain('PASS  deploy:aws_kms_grant:read:kms:ListGrants');
  expect(out.stdout).toContain("Terraform can create, refresh and destroy the consumer's stack");
});

it('a key policy without ListGrants: the launch works, Terraform fails, and doctor names the call; exit 1', async () => {
  const out = await run(['doctor', ...files(withoutListGrants), '--deploy-role', DEPLOY, '--format', 'json']);
  expect(out.status).toBe(1);
  const report = JSON.parse(out.stdout);
  expect(report.works).toBe(true);
  expect(report.deploy.works).toBe(false);
  expect([...new Set(report.deploy.steps.filter((s: any) => s.decision !== 'Allowed').map((s: any) => s.permission))]).toEqual(['kms:ListGrants']);
  const text = await run(['doctor', ...files(withoutListGrants), '--deploy-role', DEPLOY]);
  expect(text.stdout).toContain(`Terraform fails in the consumer's stack: ${DEPLOY} cannot call kms:ListGrants on the key`);
});

it('without --deploy-role, doctor judges the launch alone, as before', async () => {
  const out = await run(['doctor', ...files(withoutListGrants), '--grant-creator', DEPLOY, '--format', 'json']);
  expect(out.status).toBe(0);
  expect(JSON.parse(out.stdout).deploy).toBeNull();
});

it('a --grant-creator other than --deploy-role is bad input', async () => {
  const out = await run(['doctor', ...files(policy), '--deploy-role', DEPLOY, '--grant-creator', `arn:aws:iam::${CONSUMER_A}:role/other`]);
  expect(out.status).toBe(2);
  expect(out.stderr).toMatch(/--deploy-role/);
});
