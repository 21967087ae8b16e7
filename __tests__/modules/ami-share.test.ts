import { Testing } from 'cdktf';
import { AmiLaunchPermission } from '@cdktf/provider-aws/lib/ami-launch-permission';
import { SnapshotCreateVolumePermission } from '@cdktf/provider-aws/lib/snapshot-create-volume-permission';
import { AmiShare, AmiShareProps } from '../../modules/ami-share';
import { synthAlone } from '../support/construct';

Testing.setupJest();

const AMI = 'ami-0a1b2c3d4e5f60718';
const SNAPSHOT = 'snap-0123456789abcdef0';
const ORG_ARN = 'arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5';

function amiShare(props: AmiShareProps): string {
  return synthAlone((stack) => new AmiShare(stack, 'share', props));
}

describe('AmiShare on its own', () => {
  test('launch permission per account, and create-volume permission on each snapshot for the same accounts', () => {
    const synthesized = amiShare({ amis: [{ id: AMI, snapshotIds: [SNAPSHOT] }], accounts: ['444455556666', '777788889999'] });
    for (const account of ['444455556666', '777788889999']) {
      expect(synthesized).toHaveResourceWithProperties(AmiLaunchPermission, { image_id: AMI, account_id: account });
      expect(synthesized).toHaveResourceWithProperties(SnapshotCreateVolumePermission, { snapshot_id: SNAPSHOT, account_id: account });
    }
  });

  test('an organization or its OUs instead of accounts', () => {
    const ou = 'arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-11111111';
    expect(amiShare({ amis: [{ id: AMI }], organizationArn: ORG_ARN })).toHaveResourceWithProperties(AmiLaunchPermission, {
      organization_arn: ORG_ARN,
    });
    expect(amiShare({ amis: [{ id: AMI }], organizationalUnitArns: [ou] })).toHaveResourceWithProperties(AmiLaunchPermission, {
      organizational_unit_arn: ou,
    });
  });

  test('snapshot accounts apart from launch accounts', () => {
    const synthesized = amiShare({ amis: [{ id: AMI, snapshotIds: [SNAPSHOT] }], organizationArn: ORG_ARN, snapshotAccounts: ['444455556666'] });
    expect(synthesized).toHaveResourceWithProperties(SnapshotCreateVolumePermission, { snapshot_id: SNAPSHOT, account_id: '444455556666' });
    expect(synthesized).toHaveResourceWithProperties(AmiLaunchPermission, { organization_arn: ORG_ARN });
    expect(synthesized).not.toHaveResourceWithProperties(AmiLaunchPermission, { account_id: '444455556666' });
  });

  test.each([
    ['an AMI ID of the wrong form', { amis: [{ id: 'ami-123' }] }, /props\.amis\[0\]\.id: is not an AMI ID .*Fix:/],
    [
      'a snapshot ID of the wrong form',
      { amis: [{ id: AMI, snapshotIds: ['snapshot-1'] }] },
      /props\.amis\[0\]\.snapshotIds\[0\]: is not an EBS snapshot ID/,
    ],
    [
      'an account listed twice',
      { amis: [{ id: AMI }], accounts: ['444455556666', '444455556666'] },
      /props\.accounts: is listed more than once \(got "444455556666"\)\. Fix: list each once/,
    ],
    ['an AMI listed twice', { amis: [{ id: AMI }, { id: AMI }] }, /props\.amis: is listed more than once/],
    [
      'an organization ID where its ARN belongs',
      { amis: [{ id: AMI }], organizationArn: 'o-a1b2c3d4e5' },
      /props\.organizationArn: is not an AWS Organizations organization ARN/,
    ],
  ])('refuses %s in its constructor, with the fix', (_, props, message) => {
    expect(() => amiShare(props)).toThrow(message);
  });
});
