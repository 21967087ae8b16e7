import { parseRollout } from '../../src/config';
import type { Rollout } from '../../src/model/rollout';

export const OWNER = '111122223333';
export const CONSUMER_A = '444455556666';
export const CONSUMER_B = '777788889999';
export const STRANGER = '999900001111';
export const REGION = 'us-west-2';
export const ORG_ID = 'o-a1b2c3d4e5';
export const ORG_ARN = `arn:aws:organizations::${OWNER}:organization/${ORG_ID}`;

/** A config in the ARCHITECTURE.md shape: two cross-account consumers (one with a suffix) and the owner itself. */
export const BASE_YAML = `
owner: { account: "${OWNER}", region: ${REGION}, deployRoleArn: "arn:aws:iam::${OWNER}:role/deploy" }
key: { alias: golden-ami, administrators: ["arn:aws:iam::${OWNER}:role/key-admin"] }
amis:
  - { id: ami-0a1b2c3d4e5f60718, snapshotIds: [snap-0123456789abcdef0] }
consumers:
  - { account: "${CONSUMER_B}", deployRoleArn: "arn:aws:iam::${CONSUMER_B}:role/deploy", serviceLinkedRoleSuffix: web, createServiceLinkedRole: true }
  - { account: "${CONSUMER_A}", deployRoleArn: "arn:aws:iam::${CONSUMER_A}:role/deploy", attachPolicyToRoles: [launcher] }
  - { account: "${OWNER}" }
`;

export const ORG_YAML = `
owner: { account: "${OWNER}", region: ${REGION} }
key: { alias: golden-ami }
amis: [ { id: ami-0a1b2c3d4e5f60718 } ]
consumers:
  - { account: "${CONSUMER_A}", deployRoleArn: "arn:aws:iam::${CONSUMER_A}:role/deploy" }
  - { account: "${CONSUMER_B}", serviceLinkedRoleSuffix: web }
organization: { id: ${ORG_ID}, arn: "${ORG_ARN}" }
`;

export function rollout(yaml: string = BASE_YAML): Rollout {
  return parseRollout(yaml, 'test.yaml');
}

/** `count` cross-account consumers with distinct IDs, in organization mode or not. */
export function manyConsumersYaml(count: number, organization: boolean): string {
  const consumers = Array.from({ length: count }, (_, i) => `  - { account: "${String(200000000000 + i)}" }`).join('\n');
  return `
owner: { account: "${OWNER}", region: ${REGION} }
key: { alias: golden-ami }
amis: [ { id: ami-0a1b2c3d4e5f60718 } ]
consumers:
${consumers}
${organization ? `organization: { id: ${ORG_ID}, arn: "${ORG_ARN}" }` : ''}
`;
}
