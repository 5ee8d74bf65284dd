import http from 'node:http';
import https from 'node:https';
import {
  type HttpLibrary,
  IsomorphicFetchHttpLibrary,
  type RequestContext,
  ResponseContext,
  SelfDecodingBody,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import { flatHeaders } from '../../../shared/flat-headers.ts';
import { KeepAliveAgents } from './keep-alive-agent.ts';

/**
 * The transport under client-node's generated API calls (its `httpApi`): Node's own http(s).request
 * on one shared keep-alive agent (KeepAliveAgents) instead of client-node's node-fetch on an agent
 * made per call. Two reasons: a connection per call is a TCP + TLS handshake per Job on a real
 * cluster, and node-fetch 2.7 cannot share connections safely — when a chunked response ends on a
 * socket another request has already taken, it fails that response with "Premature close".
 *
 * Everything client-node puts on the request is honoured: URL, method, headers (credentials
 * included), a string body, the abort signal (our timeouts), and the agent it made (its TLS
 * settings, or a proxy's agent). Bodies it never sends for our calls (form data) go through its
 * default transport.
 */
export class KeepAliveHttp {
  readonly library: HttpLibrary;
  private readonly agents = new KeepAliveAgents();
  private readonly fallback = new IsomorphicFetchHttpLibrary();

  constructor() {
    this.library = wrapHttpLibrary({ send: (request) => this.send(request) });
  }

  /** Closes the idle connections (at shutdown). */
  close(): void {
    this.agents.close();
  }

  private send(request: RequestContext): Promise<ResponseContext> {
    const body = request.getBody();
    if (body !== undefined && typeof body !== 'string') return this.fallback.send(request).toPromise();
    const url = new URL(request.getUrl());
    const made = request.getAgent();
    const agent = made && this.agents.agentFor(made);
    const headers: Record<string, string | number> = { ...request.getHeaders() };
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: request.getHttpMethod(), headers, agent, signal: request.getSignal() });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        const whole = new Promise<Buffer>((done, failed) => {
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(Buffer.concat(chunks)));
          res.on('error', failed);
          // Cut off mid-body (e.g. aborted by our timeout) without an error event: fail, never hang.
          res.on('close', () => {
            if (!res.complete) failed(new Error('The connection closed before the whole reply arrived.'));
          });
        });
        // The caller reads the body only after the status is known; a failed read surfaces there.
        whole.catch(() => {});
        resolve(
          new ResponseContext(res.statusCode ?? 0, flatHeaders(res.headers), new SelfDecodingBody(whole)),
        );
      });
      req.end(body);
    });
  }
}
