import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AccountStack } from './account-stack';
import { AmiShare } from '../../modules/ami-share';
import { KeyOwner } from '../../modules/key-owner';
import { amiShareTargets } from '../policy/ami-share';
import type { Rollout } from '../model/rollout';

export const OWNER_STACK = 'owner';

/** The owner account: the key, its policy and alias, and the AMI permissions. */
export class OwnerStack extends AccountStack {
  readonly keyOwner: KeyOwner;

  constructor(scope: Construct, rollout: Rollout) {
    super(scope, OWNER_STACK, { ...rollout.owner, backend: rollout.backend });
    const { owner, key, organization, partition } = rollout;
    this.keyOwner = new KeyOwner(this, 'key-owner', {
      partition,
      account: owner.account,
      region: owner.region,
      alias: key.alias,
      description: key.description,
      administrators: key.administrators,
      enableKeyRotation: key.rotation,
      deletionWindowInDays: key.deletionWindowDays,
      organization,
      existingKeyArn: key.arn,
    });
    for (const consumer of rollout.consumers) this.keyOwner.grantAutoScalingLaunch(consumer);
    for (const leaving of rollout.leaving ?? []) this.keyOwner.allowConsumerTeardown(leaving.account);

    const targets = amiShareTargets(rollout);
    new AmiShare(this, 'ami-share', {
      amis: rollout.amis,
      accounts: targets.accounts,
      organizationArn: targets.organizationArn,
      organizationalUnitArns: targets.organizationalUnitArns,
      snapshotAccounts: targets.snapshotAccounts,
    });

    new TerraformOutput(this, 'key_arn', { value: this.keyOwner.keyArn, description: 'ARN of the shared key; grants name it' });
    if (this.keyOwner.alias) {
      new TerraformOutput(this, 'alias_arn', { value: this.keyOwner.aliasArn, description: 'Alias ARN; consumer stacks resolve the key through it' });
    }
  }
}
