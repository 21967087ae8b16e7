import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { checkedPermissions } from './authorize';
import { IAM } from './iam';
import { KMS, type Call } from './kms';
import { actionOf, AwsError, failure, signedRequest, success, type Reply, type Service } from './protocols';
import { EC2, STS } from './sts-ec2';
import type { World } from './world';

/**
 * A local AWS API endpoint for the tests: one HTTP server on 127.0.0.1 that answers KMS, IAM, STS and
 * EC2 (the service is the one the request was signed for), keeps their state in a `World` across
 * accounts, records every call, and refuses, by name, any call it does not serve. The real AWS
 * provider is pointed at it through its `endpoints` settings (support/lifecycle.ts).
 */

export interface RecordedCall {
  readonly seq: number;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
  readonly requestId: string;
  readonly service: Service | 'unknown';
  readonly action: string;
  /** The calling account (from the access key) and principal; empty when the key is unknown. */
  readonly account: string;
  readonly principal: string;
  readonly region: string;
  readonly status: number;
  /** AWS's error code when the call failed. */
  readonly error?: string;
  readonly message?: string;
  /** The call is not one the endpoint serves. */
  readonly unknown: boolean;
  /** Every IAM permission the simulator decided for this call, in order (`kms:CreateGrant`). */
  readonly permissions: readonly string[];
}

const HANDLERS: Record<Service, Record<string, (call: Call) => Promise<unknown>>> = { kms: KMS, iam: IAM, sts: STS, ec2: EC2 };

export interface AwsEndpoint {
  readonly url: string;
  readonly world: World;
  readonly calls: RecordedCall[];
  close(): Promise<void>;
}

export async function startAwsEndpoint(world: World): Promise<AwsEndpoint> {
  const calls: RecordedCall[] = [];
  // One call at a time: terraform runs stacks concurrently, and a call reads then changes the world.
  let queue: Promise<unknown> = Promise.resolve();

  async function handle(req: http.IncomingMessage, body: string, requestId: string): Promise<Reply> {
    const at = Date.now();
    let service: Service | 'unknown' = 'unknown';
    let action = '';
    let account = '';
    let principal = '';
    let region = '';
    const record = (reply: Reply, err?: AwsError, unknown = false) => {
      calls.push({
        seq: calls.length,
        at,
        requestId,
        service,
        action,
        account,
        principal,
        region,
        status: reply.status,
        ...(err ? { error: err.code, message: err.message } : {}),
        unknown,
        permissions: checkedPermissions.splice(0),
      });
      return reply;
    };
    checkedPermissions.length = 0;
    try {
      const signed = signedRequest(req.headers);
      service = signed.service;
      region = signed.region;
      const parsed = actionOf(signed.service, req.headers, body);
      action = parsed.action;
      const params = parsed.params;
      const caller = world.credentials.get(signed.accessKeyId);
      if (!caller || caller.sessionToken !== signed.sessionToken) {
        throw new AwsError(
          signed.service === 'kms' ? 'UnrecognizedClientException' : 'InvalidClientTokenId',
          'The security token included in the request is invalid.',
          403,
        );
      }
      account = caller.account;
      principal = caller.arn;
      const handler = HANDLERS[signed.service][action];
      if (!handler) {
        const err = new AwsError(
          signed.service === 'kms' ? 'UnknownOperationException' : 'InvalidAction',
          `the test endpoint does not serve ${signed.service}:${action}`,
        );
        return record(failure(signed.service, err, requestId), err, true);
      }
      const result = await handler({ world, caller, region: signed.region, params });
      return record(success(signed.service, action, result, requestId));
    } catch (e) {
      // A fault of the endpoint itself answers 400, which the SDK does not retry: the run fails at once, saying why.
      const err = e instanceof AwsError ? e : new AwsError('TestEndpointFault', `the test endpoint failed: ${(e as Error).stack}`);
      return record(failure(service === 'unknown' ? 'iam' : service, err, requestId), err);
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const requestId = randomUUID();
      const next = queue.then(() => handle(req, body, requestId));
      queue = next.catch(() => undefined);
      void next.then((reply) => {
        res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'x-amzn-RequestId': requestId });
        res.end(reply.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    world,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
