import { Construct } from 'constructs';
import { AmiLaunchPermission } from '@cdktf/provider-aws/lib/ami-launch-permission';
import { SnapshotCreateVolumePermission } from '@cdktf/provider-aws/lib/snapshot-create-volume-permission';
import { z } from 'zod';
import { validateProps } from '../validate';
import { accountId, amiId, organizationArnField, snapshotId } from '../../src/config';
import { InputError } from '../../src/errors';
import { organizationalUnitIdOf } from '../../src/policy/arns';

export interface SharedAmi {
  readonly id: string;
  /** Snapshots that consumers may also create volumes from. @default none */
  readonly snapshotIds?: readonly string[];
}

export interface AmiShareProps {
  readonly amis: readonly SharedAmi[];
  /** Accounts given launch permission one by one. @default none */
  readonly accounts?: readonly string[];
  /** Launch permission for a whole organization (`arn:…:organization/o-…`). @default none */
  readonly organizationArn?: string;
  /** Launch permission for organizational units (`arn:…:ou/o-…/ou-…`). @default none */
  readonly organizationalUnitArns?: readonly string[];
  /**
   * Accounts given create-volume permission on every listed snapshot. EC2 offers this permission
   * per account only, not per organization. @default `accounts`
   */
  readonly snapshotAccounts?: readonly string[];
}

const accounts = z.array(accountId('account')).optional();
const PROPS = z.object({
  amis: z.array(z.object({ id: amiId, snapshotIds: z.array(snapshotId).optional() })),
  accounts,
  organizationArn: organizationArnField.optional(),
  snapshotAccounts: accounts,
});

/**
 * Launch permission on AMIs (and create-volume permission on their snapshots) for consumers.
 * Launching does not need create-volume permission; it is for consumers that copy or inspect
 * the snapshots. Construct IDs carry the AMI and the grantee, so adding a consumer never
 * replaces another's permission.
 */
export class AmiShare extends Construct {
  constructor(scope: Construct, id: string, props: AmiShareProps) {
    super(scope, id);
    validateProps(this, PROPS, props);
    for (const [name, list] of [
      ['amis', props.amis.map((a) => a.id)],
      ['accounts', props.accounts],
      ['snapshotAccounts', props.snapshotAccounts],
    ] as const) {
      const twice = list?.find((v, i) => list.indexOf(v) !== i);
      if (twice !== undefined) {
        throw new InputError(
          `${this.node.path}: props.${name}`,
          twice,
          'is listed more than once',
          'list each once: one permission per AMI and grantee',
        );
      }
    }
    const ouArns = props.organizationalUnitArns ?? [];
    for (const ami of props.amis) {
      for (const account of props.accounts ?? []) {
        new AmiLaunchPermission(this, `${ami.id}-${account}`, { imageId: ami.id, accountId: account });
      }
      if (props.organizationArn) {
        new AmiLaunchPermission(this, `${ami.id}-organization`, { imageId: ami.id, organizationArn: props.organizationArn });
      }
      for (const ou of ouArns) {
        new AmiLaunchPermission(this, `${ami.id}-${organizationalUnitIdOf(ou) ?? ou}`, { imageId: ami.id, organizationalUnitArn: ou });
      }
      for (const snapshot of ami.snapshotIds ?? []) {
        for (const account of props.snapshotAccounts ?? props.accounts ?? []) {
          new SnapshotCreateVolumePermission(this, `${snapshot}-${account}`, { snapshotId: snapshot, accountId: account });
        }
      }
    }
  }
}
