import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http2 from 'http2';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * A pass-through for Terraform's gRPC connection to the provider (go-plugin's reattach address), at
 * the HTTP/2 level: every RPC reaches the provider as Terraform sent it, but for two whose answer is a
 * function of the request alone, which are answered, when the request is byte-identical to one already
 * served, with the provider's own earlier answer:
 * - `GetSchema` (GetProviderSchema): the provider's static schema; its request is empty.
 * - `PrepareProviderConfig` (ValidateProviderConfig): the SDK's `Provider.Validate` runs
 *   `InternalValidate` over every resource schema, then validates the request's configuration
 *   (terraform-plugin-sdk v2, helper/schema/provider.go, `func (p *Provider) Validate`). For the AWS
 *   provider that is about 2 s of CPU per call, one or two calls per terraform command, before any
 *   AWS call: over half the provider's CPU in the lifecycle, and nothing the tests look at.
 * No AWS call goes through either: the calls the tests record are all made as they would be.
 */
const PURE_RPCS = new Set(['/tfplugin5.Provider/GetSchema', '/tfplugin5.Provider/PrepareProviderConfig']);

/** Hop-by-hop and pseudo headers that each HTTP/2 side sets for itself. */
const OWN_HEADERS = new Set([':status', ':scheme', ':authority', 'connection', 'keep-alive', 'transfer-encoding']);

function forwardable(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !OWN_HEADERS.has(k)));
}

interface Answer {
  readonly headers: http2.OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: http2.OutgoingHttpHeaders | undefined;
}

export interface ProviderProxy {
  /** The reattach address Terraform is given instead of the provider's. */
  readonly socket: string;
  /** RPCs answered from memory, by path: what the proxy saved. */
  readonly answered: Map<string, number>;
  close(): Promise<void>;
}

export async function startProviderProxy(upstreamSocket: string): Promise<ProviderProxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyshare-provider-proxy-'));
  const socket = path.join(dir, 'grpc.sock');
  const upstream = http2.connect('http://localhost', { createConnection: () => net.connect(upstreamSocket) });
  upstream.on('error', () => undefined);
  const cache = new Map<string, Answer>();
  const answered = new Map<string, number>();

  const reply = (stream: http2.ServerHttp2Stream, answer: Answer) => {
    if (stream.destroyed) return;
    if (!answer.trailers) return stream.respond(answer.headers, { endStream: true });
    stream.respond(answer.headers, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers(answer.trailers!));
    stream.end(answer.body);
  };

  /** Forwards one stream both ways, as it goes; `keep` receives the whole answer when the RPC succeeded. */
  const forward = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, body?: Buffer, keep?: (a: Answer) => void) => {
    const up = upstream.request(forwardable(headers), { endStream: false });
    const chunks: Buffer[] = [];
    let responseHeaders: http2.OutgoingHttpHeaders = {};
    let trailers: http2.OutgoingHttpHeaders | undefined;
    up.on('response', (h) => {
      responseHeaders = forwardable(h);
      // Terraform may have cancelled the call (its stdio and broker streams, when it exits).
      if (stream.destroyed) return;
      // A trailers-only response (an error) carries grpc-status in its headers and ends there.
      if (h['grpc-status'] !== undefined) return stream.respond(responseHeaders, { endStream: true });
      stream.respond(responseHeaders, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers(trailers ?? {}));
    });
    up.on('trailers', (t) => {
      trailers = forwardable(t);
    });
    up.on('data', (chunk: Buffer) => {
      if (keep) chunks.push(chunk);
      if (!stream.destroyed) stream.write(chunk);
    });
    up.on('end', () => {
      if (!stream.destroyed && !stream.headersSent) return;
      if (!stream.destroyed && !stream.writableEnded) stream.end();
      if (keep && trailers?.['grpc-status'] === '0') keep({ headers: responseHeaders, body: Buffer.concat(chunks), trailers });
    });
    up.on('close', () => {
      if (!stream.destroyed && !stream.writableEnded) stream.close(up.rstCode ?? http2.constants.NGHTTP2_CANCEL);
    });
    up.on('error', () => undefined);
    stream.on('close', () => {
      if (!up.destroyed && !up.writableEnded) up.close(http2.constants.NGHTTP2_CANCEL);
    });
    stream.on('error', () => undefined);
    if (body) up.end(body);
    else stream.pipe(up);
  };

  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const rpc = String(headers[':path']);
    if (!PURE_RPCS.has(rpc)) return forward(stream, headers);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = `${rpc} ${createHash('sha256').update(body).digest('hex')}`;
      const known = cache.get(key);
      if (known) {
        answered.set(rpc, (answered.get(rpc) ?? 0) + 1);
        return reply(stream, known);
      }
      forward(stream, headers, body, (answer) => cache.set(key, answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        upstream.close();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
