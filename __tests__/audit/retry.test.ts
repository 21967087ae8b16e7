import { Readable } from 'stream';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { accountClients } from '../../src/audit/aws';
import { COLLECT_DEFAULTS } from '../../src/audit/collect';
import { BASE_CREDENTIALS } from './fake-org';

/**
 * aws-sdk-client-mock replaces `send`, and with it the SDK's retry middleware. Throttling is
 * therefore proven here through the real middleware stack: the clients audit builds talk to a
 * request handler of the test's own that answers as KMS does (JSON 1.1 protocol, HTTP 400 with
 * `__type` ThrottlingException), and must retry until the call succeeds.
 */
function kmsAnswers(answers: { status: number; body: object }[]) {
  const seen: string[] = [];
  return {
    seen,
    handler: {
      handle: async (request: { headers: Record<string, string> }) => {
        seen.push(request.headers['x-amz-target']);
        const next = answers.length > 1 ? answers.shift()! : answers[0];
        return {
          response: {
            statusCode: next.status,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from(JSON.stringify(next.body))]),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  };
}

const THROTTLED = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
const POLICY = { status: 200, body: { Policy: '{"Version":"2012-10-17","Statement":[]}', PolicyName: 'default' } };

test('throttled calls are retried by the SDK (adaptive mode) until they succeed', async () => {
  const { kms } = accountClients({ ...COLLECT_DEFAULTS, region: 'us-west-2' }, { credentials: BASE_CREDENTIALS });
  const fake = kmsAnswers([THROTTLED, THROTTLED, POLICY]);
  (kms.config as { requestHandler: unknown }).requestHandler = fake.handler;
  const out = await kms.send(new GetKeyPolicyCommand({ KeyId: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }));
  expect(out.Policy).toContain('2012-10-17');
  expect(fake.seen).toEqual(['TrentService.GetKeyPolicy', 'TrentService.GetKeyPolicy', 'TrentService.GetKeyPolicy']);
  expect(((await kms.config.retryStrategy()) as { mode: string }).mode).toBe('adaptive');
});

test('past maxAttempts the throttling error reaches the caller', async () => {
  const { kms } = accountClients({ ...COLLECT_DEFAULTS, maxAttempts: 2, region: 'us-west-2' }, { credentials: BASE_CREDENTIALS });
  const fake = kmsAnswers([THROTTLED]);
  (kms.config as { requestHandler: unknown }).requestHandler = fake.handler;
  await expect(kms.send(new GetKeyPolicyCommand({ KeyId: 'alias/golden-ami' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
  expect(fake.seen).toHaveLength(2);
});

test('without credentials the default chain fails at once: tests never reach the instance metadata endpoint', async () => {
  expect(process.env.AWS_EC2_METADATA_DISABLED).toBe('true');
  const { kms } = accountClients({ ...COLLECT_DEFAULTS, region: 'us-west-2' }, { chain: true });
  const started = Date.now();
  await expect(kms.send(new GetKeyPolicyCommand({ KeyId: 'alias/golden-ami' }))).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  expect(Date.now() - started).toBeLessThan(5_000);
});
