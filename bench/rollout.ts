/**
 * The benchmark's rollout: `count` cross-account consumers, each with its own deploy role, in
 * organization mode, the shape bench/bare-cdktf.js emits.
 */
export function benchRolloutYaml(count: number): string {
  const lines = Array.from({ length: count }, (_, i) => {
    const account = String(200000000000 + i);
    return `  - { account: "${account}", deployRoleArn: "arn:aws:iam::${account}:role/deploy" }`;
  });
  return [
    'owner: { account: "111122223333", region: us-west-2 }',
    'key: { alias: golden-ami }',
    'amis: [ { id: ami-0a1b2c3d4e5f60718 } ]',
    'organization: { id: o-a1b2c3d4e5, arn: "arn:aws:organizations::111122223333:organization/o-a1b2c3d4e5" }',
    'consumers:',
    ...lines,
    '',
  ].join('\n');
}
