import { organizationalUnitArn, organizationalUnitIdOf } from '../../src/policy/arns';

describe('organizationalUnitIdOf', () => {
  test.each([
    ['arn:aws:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-11111111', 'ou-ab12-11111111'],
    ['arn:aws-cn:organizations::111122223333:ou/o-a1b2c3d4e5/ou-ab12-22222222', 'ou-ab12-22222222'],
    ['arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5', undefined],
    ['not an arn', undefined],
  ])('%s → %s', (arn, id) => {
    expect(organizationalUnitIdOf(arn)).toBe(id);
  });

  test('reads back the OU that organizationalUnitArn built from a path', () => {
    const org = 'arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5';
    const arn = organizationalUnitArn(org, 'o-a1b2c3d4e5', 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-33333333/');
    expect(organizationalUnitIdOf(arn!)).toBe('ou-ab12-33333333');
  });
});
