import { startAwsEndpoint, type AwsEndpoint } from '../support/aws/endpoint';
import { trustAccount, World, type Credentials } from '../support/aws/world';

/**
 * The local AWS endpoint on its own, spoken to as the SDK does (SigV4 credential scope, KMS JSON 1.1,
 * the query protocols): the account comes from the access key, AssumeRole crosses accounts, an unknown
 * call is refused by name, and a cross-account KMS call is decided by the simulator on the key policy.
 */

const OWNER = '111122223333';
const CONSUMER = '444455556666';
let endpoint: AwsEndpoint;
let ci: Credentials;

beforeAll(async () => {
  const world = new World();
  ci = world.addUser('999988887777', 'ci');
  world.addRole(CONSUMER, 'deploy', {
    trust: trustAccount('999988887777'),
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  });
  endpoint = await startAwsEndpoint(world);
});
afterAll(() => endpoint.close());

async function call(service: string, creds: Credentials, action: string, params: Record<string, unknown> = {}) {
  const auth = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/20261207/us-west-2/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  const headers: Record<string, string> = { authorization: auth, ...(creds.sessionToken ? { 'x-amz-security-token': creds.sessionToken } : {}) };
  const body =
    service === 'kms'
      ? JSON.stringify(params)
      : new URLSearchParams({
          Action: action,
          ...(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) as Record<string, string>),
        }).toString();
  if (service === 'kms') headers['x-amz-target'] = `TrentService.${action}`;
  const res = await fetch(endpoint.url, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

function session(text: string): Credentials {
  const get = (tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(text)?.[1] ?? '';
  return endpoint.world.credentials.get(get('AccessKeyId'))!;
}

it('answers GetCallerIdentity with the account of the access key, and AssumeRole with credentials in the role account', async () => {
  const me = await call('sts', ci, 'GetCallerIdentity');
  expect(me.text).toContain('<Account>999988887777</Account>');
  const assumed = await call('sts', ci, 'AssumeRole', { RoleArn: `arn:aws:iam::${CONSUMER}:role/deploy`, RoleSessionName: 'keyshare' });
  expect(assumed.status).toBe(200);
  const creds = session(assumed.text);
  expect(creds.account).toBe(CONSUMER);
  expect((await call('sts', creds, 'GetCallerIdentity')).text).toContain(`<Arn>arn:aws:sts::${CONSUMER}:assumed-role/deploy/keyshare</Arn>`);
  const refused = await call('sts', ci, 'AssumeRole', { RoleArn: `arn:aws:iam::${OWNER}:role/deploy`, RoleSessionName: 'x' });
  expect(refused.status).toBe(403);
});

it('refuses a call it does not serve, by name, and records it', async () => {
  const r = await call('kms', ci, 'ReplicateKey', {});
  expect(r.status).toBe(400);
  expect(JSON.parse(r.text)).toEqual({ __type: 'UnknownOperationException', message: 'the test endpoint does not serve kms:ReplicateKey' });
  const q = await call('iam', ci, 'CreateUser', { UserName: 'x' });
  expect(q.text).toContain('<Code>InvalidAction</Code>');
  expect(q.text).toContain('iam:CreateUser');
  expect(endpoint.calls.filter((c) => c.unknown).map((c) => `${c.service}:${c.action}`)).toEqual(['kms:ReplicateKey', 'iam:CreateUser']);
});

it('refuses a cross-account KMS call the key policy does not allow, and serves one it allows', async () => {
  const world = endpoint.world;
  const owner = world.addUser(OWNER, 'admin');
  const policy = (actions: string[]) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWNER}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Consumer', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CONSUMER}:root` }, Action: actions, Resource: '*' },
      ],
    });
  const created = await call('kms', owner, 'CreateKey', { Policy: policy(['kms:DescribeKey']) });
  const keyArn = JSON.parse(created.text).KeyMetadata.Arn as string;
  const consumer = session((await call('sts', ci, 'AssumeRole', { RoleArn: `arn:aws:iam::${CONSUMER}:role/deploy`, RoleSessionName: 'k' })).text);

  expect((await call('kms', consumer, 'DescribeKey', { KeyId: keyArn })).status).toBe(200);
  const denied = await call('kms', consumer, 'ListGrants', { KeyId: keyArn });
  expect(JSON.parse(denied.text).__type).toBe('AccessDeniedException');
  // Another account's key is named by its ARN only, and GetKeyPolicy is not a cross-account operation.
  expect(JSON.parse((await call('kms', consumer, 'DescribeKey', { KeyId: keyArn.split('/')[1] })).text).__type).toBe('NotFoundException');
  expect(JSON.parse((await call('kms', consumer, 'GetKeyPolicy', { KeyId: keyArn, PolicyName: 'default' })).text).__type).toBe(
    'AccessDeniedException',
  );

  expect(
    (await call('kms', owner, 'PutKeyPolicy', { KeyId: keyArn, PolicyName: 'default', Policy: policy(['kms:DescribeKey', 'kms:ListGrants']) }))
      .status,
  ).toBe(200);
  const listed = await call('kms', consumer, 'ListGrants', { KeyId: keyArn });
  expect(JSON.parse(listed.text)).toEqual({ Grants: [], Truncated: false });

  // The account that created a grant retires it through its IAM policy; no key policy statement is needed.
  await call('kms', owner, 'PutKeyPolicy', {
    KeyId: keyArn,
    PolicyName: 'default',
    Policy: policy(['kms:DescribeKey', 'kms:ListGrants', 'kms:CreateGrant']),
  });
  const grant = JSON.parse(
    (await call('kms', consumer, 'CreateGrant', { KeyId: keyArn, GranteePrincipal: `arn:aws:iam::${CONSUMER}:role/deploy`, Operations: ['Decrypt'] }))
      .text,
  );
  expect(JSON.parse((await call('kms', owner, 'RetireGrant', { KeyId: keyArn, GrantId: grant.GrantId })).text).__type).toBe('AccessDeniedException');
  expect((await call('kms', consumer, 'RetireGrant', { KeyId: keyArn, GrantId: grant.GrantId })).status).toBe(200);
  expect(world.grants()).toEqual([]);
});
