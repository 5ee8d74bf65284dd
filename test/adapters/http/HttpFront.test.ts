import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { afterEach, describe, it } from 'node:test';
import { HttpFront } from '../../../src/adapters/http/HttpFront.ts';
import type { Route } from '../../../src/adapters/http/health-routes.ts';

const health: Route[] = [
  { path: '/healthz', method: 'GET', handler: (_req, res) => res.writeHead(200).end('ok\n') },
];

/** A handler like Slack's receiver: reads the whole body, answers with it; throws for other paths as Bolt does. */
function echo(seen: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/slack/events') throw new Error('Unhandled HTTP request');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(body);
      res.writeHead(200).end(`acked ${body}`);
    });
  };
}

const post = async (port: number, body: string, path = '/slack/events') => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
};

/** Resolves once the front holds `n` requests (nothing answers them meanwhile). */
async function holding(front: HttpFront, n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const count = await new Promise<number>((resolve) => front.server.getConnections((_e, c) => resolve(c)));
    if (count >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`the front never held ${n} requests`);
}

describe('HttpFront: the port that listens before Slack’s receiver is mounted', () => {
  const fronts: HttpFront[] = [];
  const open = async (awaitHandler: boolean, holdMs?: number) => {
    const front = await HttpFront.listen({
      port: 0,
      host: '127.0.0.1',
      routes: health,
      awaitHandler,
      holdMs,
    });
    fronts.push(front);
    return front;
  };
  afterEach(async () => {
    for (const front of fronts.splice(0)) await front.close();
  });

  it('answers /healthz while deliveries wait, then hands every waiting one to the handler once, body intact', async () => {
    const front = await open(true);
    const waiting = Array.from({ length: 5 }, (_, i) => post(front.port, `text=train+${i}`));
    await holding(front, 5);
    const health = await fetch(`http://127.0.0.1:${front.port}/healthz`);
    assert.equal(health.status, 200);
    await health.text();
    const seen: string[] = [];
    front.mount(echo(seen));
    const answers = await Promise.all(waiting);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200],
    );
    assert.deepEqual(seen.sort(), [
      'text=train+0',
      'text=train+1',
      'text=train+2',
      'text=train+3',
      'text=train+4',
    ]);
    // After the mount, deliveries go straight through.
    assert.equal((await post(front.port, 'later')).text, 'acked later');
    assert.equal(seen.length, 6);
  });

  it('answers a delivery that waited too long with a retryable 503, and never hands it over later', async () => {
    const front = await open(true, 20);
    const answer = await post(front.port, 'too early');
    assert.equal(answer.status, 503);
    assert.equal(answer.retryAfter, '1');
    assert.match(answer.text, /starting; try again/);
    const seen: string[] = [];
    front.mount(echo(seen));
    assert.deepEqual(seen, []);
  });

  it('forgets a delivery whose client gave up while it waited', async () => {
    const front = await open(true);
    const req = request({ host: '127.0.0.1', port: front.port, path: '/slack/events', method: 'POST' });
    req.on('error', () => {});
    req.end('abandoned');
    await holding(front, 1);
    req.destroy();
    // The server sees the connection close before the handler exists.
    for (let i = 0; i < 200; i++) {
      const count = await new Promise<number>((r) => front.server.getConnections((_e, c) => r(c)));
      if (count === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    let calls = 0;
    const seen: string[] = [];
    const handler = echo(seen);
    front.mount((req, res) => {
      calls++;
      handler(req, res);
    });
    assert.equal((await post(front.port, 'next')).status, 200);
    assert.deepEqual(seen, ['next']);
    assert.equal(calls, 1, 'the abandoned delivery never reached the handler');
  });

  it('answers 404 for paths nobody serves: without a handler to wait for, and when the handler declines them', async () => {
    const console = await open(false);
    const missing = await post(console.port, 'x');
    assert.equal(missing.status, 404);
    assert.equal((await post(console.port, 'x', '/elsewhere')).status, 404);
    const slack = await open(true);
    slack.mount(echo([]));
    assert.equal((await post(slack.port, 'x', '/elsewhere')).status, 404);
  });

  it('answers deliveries with a retryable 503 once the handler is unmounted (shutting down), waiting ones included', async () => {
    const front = await open(true);
    const waiting = post(front.port, 'during start');
    await holding(front, 1);
    front.unmount();
    const answer = await waiting;
    assert.equal(answer.status, 503);
    assert.equal(answer.retryAfter, '1');
    const later = await post(front.port, 'during shutdown');
    assert.equal(later.status, 503);
    assert.match(later.text, /shutting down/);
    const health = await fetch(`http://127.0.0.1:${front.port}/healthz`);
    assert.equal(health.status, 200, '/healthz answers until the port closes');
    await health.text();
  });

  it('rejects with the listen error when the port is taken', async () => {
    const first = await open(false);
    await assert.rejects(
      HttpFront.listen({ port: first.port, host: '127.0.0.1', routes: health, awaitHandler: false }),
      /EADDRINUSE/,
    );
  });
});
