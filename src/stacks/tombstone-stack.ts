import { Construct } from 'constructs';
import { AccountStack } from './account-stack';
import { consumerStackName } from './consumer-stack';
import type { LeavingConsumer, Rollout } from '../model/rollout';
import { crossAccountConsumers } from '../policy/key-policy';

/**
 * A consumer the config no longer lists, in place of the stack the previous output had for it: the
 * same backend and state key, the same provider (account, region, deploy role) and versions, and no
 * resources, so its `terraform apply` destroys everything its state holds (the grant, which it
 * retires, the IAM policy, its attachments, the service-linked role it created) with the account's
 * own deploy role. The owner's key policy keeps the account for that teardown only
 * (`consumerTeardownStatement`) until `synth --forget` drops the tombstone.
 */
export class TombstoneStack extends AccountStack {
  constructor(scope: Construct, leaving: LeavingConsumer) {
    super(scope, consumerStackName(leaving.account), leaving);
  }
}

/**
 * `rollout` with a tombstone for every consumer stack of `previous` (the previous output's, or the
 * base config's) whose account it no longer lists as a cross-account consumer.
 */
export function withLeaving(rollout: Rollout, previous: readonly LeavingConsumer[]): Rollout {
  const gone = new Set(
    leavingAccounts(
      rollout,
      previous.map((p) => p.account),
    ),
  );
  const leaving = previous.filter((p) => gone.has(p.account)).sort((a, b) => (a.account < b.account ? -1 : 1));
  return leaving.length > 0 ? { ...rollout, leaving } : rollout;
}

/** Of the accounts that had a consumer stack, those `rollout` no longer gives one. */
export function leavingAccounts(rollout: Rollout, accounts: readonly string[]): string[] {
  const listed = new Set([rollout.owner.account, ...crossAccountConsumers(rollout).map((c) => c.account)]);
  return accounts.filter((a) => !listed.has(a));
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const first = (v: unknown): Json | undefined => [v].flat().find(isObject);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Where a consumer stack the previous output wrote deploys, read back from its Terraform JSON (or,
 * for `--hcl` output, its `metadata.json`, which carries the same `terraform` and `provider`
 * blocks); undefined when they are not the shape AccountStack writes.
 */
export function placementOf(account: string, config: unknown): LeavingConsumer | undefined {
  if (!isObject(config) || !isObject(config.terraform) || !isObject(config.provider)) return undefined;
  const provider = first(config.provider.aws);
  const region = text(provider?.region);
  const allowed = provider?.allowed_account_ids;
  if (!provider || !region || !Array.isArray(allowed) || allowed.length !== 1 || allowed[0] !== account) return undefined;
  const deployRoleArn = text(first(provider.assume_role)?.role_arn);
  const backend = config.terraform.backend;
  if (!isObject(backend)) return undefined;
  if (isObject(backend.local)) return { account, region, ...(deployRoleArn && { deployRoleArn }) };
  const s3 = backend.s3;
  const stateFile = `/${consumerStackName(account)}.tfstate`;
  const key = isObject(s3) ? text(s3.key) : undefined;
  const bucket = isObject(s3) ? text(s3.bucket) : undefined;
  const s3Region = isObject(s3) ? text(s3.region) : undefined;
  if (!isObject(s3) || !key?.endsWith(stateFile) || !bucket || !s3Region) return undefined;
  const roleArn = text(first(s3.assume_role)?.role_arn);
  return {
    account,
    region,
    ...(deployRoleArn && { deployRoleArn }),
    backend: { s3: { bucket, region: s3Region, keyPrefix: key.slice(0, -stateFile.length), ...(roleArn && { roleArn }) } },
  };
}
