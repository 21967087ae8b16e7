import { XMLBuilder } from 'fast-xml-parser';

/**
 * The wire protocols the AWS provider speaks to KMS, IAM, STS and EC2, as far as the endpoint needs
 * them: which service and credentials signed a request (SigV4's credential scope), its action and
 * parameters, and the response and error shapes of each protocol.
 *
 * - KMS: JSON 1.1 (`X-Amz-Target: TrentService.<Action>`, errors as `{"__type", "message"}`),
 *   https://docs.aws.amazon.com/kms/latest/APIReference/CommonParameters.html
 * - IAM and STS: the AWS query protocol (form-encoded `Action=…`, XML `<ActionResponse><ActionResult>`,
 *   errors as `<ErrorResponse><Error>`), https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf
 * - EC2: the EC2 query protocol (lower-camel XML elements, lists of `<item>`, errors as
 *   `<Response><Errors><Error>`), https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
 */

export type Service = 'kms' | 'iam' | 'sts' | 'ec2';
export const SERVICES: readonly Service[] = ['kms', 'iam', 'sts', 'ec2'];

/** An AWS error: its code, HTTP status and message, in each protocol's shape. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface SignedRequest {
  readonly service: Service;
  readonly region: string;
  readonly accessKeyId: string;
  readonly sessionToken?: string;
}

const CREDENTIAL = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** Who signed the request, for which service and region (SigV4, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html). */
export function signedRequest(headers: Record<string, string | string[] | undefined>): SignedRequest {
  const match = CREDENTIAL.exec(String(headers.authorization ?? ''));
  if (!match) throw new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  const [, accessKeyId, region, service] = match;
  if (!(SERVICES as readonly string[]).includes(service)) throw new AwsError('UnknownService', `no such service here: ${service}`);
  const token = headers['x-amz-security-token'];
  return { service: service as Service, region, accessKeyId, sessionToken: typeof token === 'string' ? token : undefined };
}

/** The action and parameters: the target header and JSON body for KMS, the form body for the query protocols. */
export function actionOf(service: Service, headers: Record<string, string | string[] | undefined>, body: string): { action: string; params: any } {
  if (service === 'kms') {
    const target = String(headers['x-amz-target'] ?? '');
    if (!target.startsWith('TrentService.')) throw new AwsError('UnknownOperationException', `not a KMS target: ${target}`);
    return { action: target.slice('TrentService.'.length), params: body ? JSON.parse(body) : {} };
  }
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  if (!action) throw new AwsError('MissingAction', 'no Action in the request');
  const params: Record<string, string> = {};
  for (const [k, v] of form) if (k !== 'Action' && k !== 'Version') params[k] = v;
  return { action, params };
}

/** `Prefix.1`, `Prefix.2`, … (EC2) or `Prefix.member.1`, … (IAM, STS): a query-protocol list. */
export function queryList(params: Record<string, string>, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const v = params[`${prefix}.${i}`] ?? params[`${prefix}.member.${i}`];
    if (v === undefined) return out;
    out.push(v);
  }
}

/** A list of structures (`Tags.member.1.Key`, `LaunchPermission.Add.1.UserId`) as objects. */
export function queryStructs(params: Record<string, string>, prefix: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (let i = 1; ; i++) {
    const heads = [`${prefix}.${i}.`, `${prefix}.member.${i}.`];
    const entry: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      const head = heads.find((h) => k.startsWith(h));
      if (head) entry[k.slice(head.length)] = v;
    }
    if (Object.keys(entry).length === 0) return out;
    out.push(entry);
  }
}

const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: false, suppressEmptyNode: false });

/** An XML list member in each query protocol's spelling. */
export function members(service: Service, items: readonly unknown[]): unknown {
  return service === 'ec2' ? { item: items } : { member: items };
}

export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const NAMESPACES: Record<Exclude<Service, 'kms'>, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
};

export function success(service: Service, action: string, result: unknown, requestId: string): Reply {
  if (service === 'kms') return { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(result ?? {}) };
  const ns = NAMESPACES[service];
  const root =
    service === 'ec2'
      ? { [`${action}Response`]: { '@xmlns': ns, requestId, ...(result as object) } }
      : { [`${action}Response`]: { '@xmlns': ns, [`${action}Result`]: result ?? '', ResponseMetadata: { RequestId: requestId } } };
  return { status: 200, contentType: 'text/xml', body: `<?xml version="1.0" encoding="UTF-8"?>${xml.build(root)}` };
}

export function failure(service: Service, err: AwsError, requestId: string): Reply {
  if (service === 'kms') {
    return { status: err.status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: err.code, message: err.message }) };
  }
  const root =
    service === 'ec2'
      ? { Response: { Errors: { Error: { Code: err.code, Message: err.message } }, RequestID: requestId } }
      : {
          ErrorResponse: {
            '@xmlns': NAMESPACES[service],
            Error: { Type: err.status >= 500 ? 'Receiver' : 'Sender', Code: err.code, Message: err.message },
            RequestId: requestId,
          },
        };
  return { status: err.status, contentType: 'text/xml', body: `<?xml version="1.0" encoding="UTF-8"?>${xml.build(root)}` };
}
