import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import type { webApi } from '@slack/bolt';
import { LeanTransport } from '../../../../src/adapters/chat/slack/lean-transport.ts';
import { OutboundQueue } from '../../../../src/adapters/chat/slack/OutboundQueue.ts';
import { classifySlackError } from '../../../../src/adapters/chat/slack/slack-error.ts';
import { createWebClient } from '../../../../src/adapters/chat/slack/web-client.ts';
import { createLogger, silentLogger } from '../../../../src/shared/log.ts';
import { FakeSlackApi, type RecordedCall } from '../../../support/slack-api.ts';

const TOKEN = 'xoxb-lean-transport-secret-token';

/** A port nothing listens on: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What a failed call threw, as the outbound queue sees it, plus the fields it could read. */
async function failure(call: Promise<unknown>) {
  const err = await call.then(
    () => assert.fail('the call should have failed'),
    (e: unknown) => e as Error & Record<string, unknown>,
  );
  return {
    verdict: classifySlackError(err),
    name: err.constructor.name,
    code: err.code,
    statusCode: err.statusCode,
    retryAfter: err.retryAfter,
    error: (err.data as { error?: string } | undefined)?.error,
    text: `${inspect(err, { depth: 5 })} ${JSON.stringify(err)}`,
  };
}

/**
 * The lean transport must be indistinguishable from the WebClient for everything the outbound
 * queue relies on. Each case runs against the plain WebClient and against the WebClient whose
 * hot methods go through the lean transport, and compares.
 */
describe('the lean Slack transport answers as the WebClient does', () => {
  let fake: FakeSlackApi;
  let lean: LeanTransport;
  let plain: webApi.WebClient;
  let fast: webApi.WebClient;
  const logLines: string[] = [];

  before(async () => {
    fake = await FakeSlackApi.start({ token: TOKEN });
    lean = new LeanTransport(
      TOKEN,
      fake.apiUrl,
      createLogger('debug', {}, (l) => logLines.push(l)),
    );
    plain = createWebClient(TOKEN, fake.apiUrl);
    fast = createWebClient(TOKEN, fake.apiUrl, undefined, lean);
  });
  after(async () => {
    await lean.close();
    await fake.close();
  });

  /** The same call on both clients, with the fake primed the same way before each. */
  async function both<T>(prime: () => void, call: (web: webApi.WebClient) => Promise<T>) {
    prime();
    const viaWebClient = await failure(call(plain));
    prime();
    const viaLean = await failure(call(fast));
    return { viaWebClient, viaLean };
  }

  const same = (a: Awaited<ReturnType<typeof failure>>, b: Awaited<ReturnType<typeof failure>>) => {
    const { text: _a, ...left } = a;
    const { text: _b, ...right } = b;
    assert.deepEqual(right, left);
  };

  it('posts the same fields the same way and returns Slack’s answer', async () => {
    const message = {
      channel: 'C1',
      thread_ts: '1.000001',
      reply_broadcast: true,
      text: 'run #1 succeeded <@U1>',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*done* & dusted' } }],
      unfurl_links: undefined,
    };
    const before = fake.calls.length;
    const viaWebClient = await plain.chat.postMessage(message);
    const viaLean = await fast.chat.postMessage(message);
    const [a, b] = fake.calls.slice(before) as RecordedCall[];
    assert.equal(b.method, 'chat.postMessage');
    assert.deepEqual(b.args, a.args);
    assert.equal(b.args.reply_broadcast, 'true');
    assert.equal(viaLean.ok, true);
    assert.equal(viaLean.channel, viaWebClient.channel);
    assert.match(String(viaLean.ts), /^\d+\.\d{6}$/);
    const updated = await fast.chat.update({ channel: 'C1', ts: String(viaLean.ts), text: 'edited' });
    assert.equal(updated.ts, viaLean.ts);
    const ephemeral = await fast.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'psst' });
    assert.equal(ephemeral.ok, true);
  });

  it('throws the platform error for ok: false, permanent or transient as Slack meant it', async () => {
    for (const error of ['channel_not_found', 'internal_error']) {
      const { viaWebClient, viaLean } = await both(
        () => fake.failNext('chat.update', { error }),
        (web) => web.chat.update({ channel: 'C1', ts: '1.1', text: 'x' }),
      );
      same(viaWebClient, viaLean);
      assert.equal(viaLean.error, error);
      assert.equal(viaLean.code, 'slack_webapi_platform_error');
    }
  });

  it('sends the token in the Authorization header (a wrong one is refused) and never shows it', async () => {
    const wrong = new LeanTransport('xoxb-not-the-right-token', fake.apiUrl, silentLogger);
    const { verdict, error, text } = await failure(
      wrong.call('chat.postMessage', { channel: 'C1', text: 'x' }),
    );
    assert.equal(error, 'invalid_auth');
    assert.equal(verdict.kind, 'permanent');
    assert.ok(!text.includes('xoxb-not-the-right-token'));
    await wrong.close();
  });

  it('throws the rate-limited error with Retry-After on a 429', async () => {
    const { viaWebClient, viaLean } = await both(
      () => fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 }),
      (web) => web.chat.postMessage({ channel: 'C1', text: 'x' }),
    );
    same(viaWebClient, viaLean);
    assert.deepEqual(viaLean.verdict, { kind: 'rate-limited', retryAfterMs: 7000 });
  });

  it('treats a 429 without Retry-After as the WebClient does', async () => {
    const { viaWebClient, viaLean } = await both(
      () => fake.failNext('chat.postMessage', { status: 429 }),
      (web) => web.chat.postMessage({ channel: 'C1', text: 'x' }),
    );
    assert.deepEqual(viaLean.verdict.kind, viaWebClient.verdict.kind);
  });

  it('throws the HTTP error for other statuses: 5xx retried, 4xx not', async () => {
    for (const status of [500, 503, 404]) {
      const { viaWebClient, viaLean } = await both(
        () => fake.failNext('chat.postEphemeral', { status }),
        (web) => web.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'x' }),
      );
      same(viaWebClient, viaLean);
      assert.equal(viaLean.statusCode, status);
    }
  });

  it('throws the request error when nothing answers, which is retried, without the token in it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const deadLean = new LeanTransport(TOKEN, url, silentLogger);
    const viaLean = await failure(
      createWebClient(TOKEN, url, undefined, deadLean).chat.postMessage({ channel: 'C1', text: 'x' }),
    );
    const viaWebClient = await failure(
      createWebClient(TOKEN, url).chat.postMessage({ channel: 'C1', text: 'x' }),
    );
    same(viaWebClient, viaLean);
    assert.deepEqual(viaLean.verdict, { kind: 'transient', reason: 'network_error' });
    assert.ok(!viaLean.text.includes(TOKEN));
    await deadLean.close();
  });

  it('takes SLACK_API_URL with or without its trailing slash', async () => {
    const noSlash = new LeanTransport(TOKEN, fake.apiUrl.replace(/\/$/, ''), silentLogger);
    const res = await noSlash.call('chat.postMessage', { channel: 'C1', text: 'x' });
    assert.equal(res.ok, true);
    await noSlash.close();
  });

  it('leaves every other method (file uploads) to the WebClient', async () => {
    const before = fake.calls.length;
    await fast.filesUploadV2({ channel_id: 'C1', content: 'the log', filename: 'log.txt', title: 'log' });
    const methods = fake.calls.slice(before).map((c) => c.method);
    assert.deepEqual(methods, ['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
  });

  it('never wrote the token in a log line', () => {
    assert.ok(logLines.every((line) => !line.includes(TOKEN)));
  });
});

describe('response_url answers through the lean transport', () => {
  let fake: FakeSlackApi;
  let lean: LeanTransport;
  before(async () => {
    fake = await FakeSlackApi.start({ token: TOKEN });
    lean = new LeanTransport(TOKEN, fake.apiUrl, silentLogger);
  });
  after(async () => {
    await lean.close();
    await fake.close();
  });

  it('posts JSON and resolves true', async () => {
    assert.equal(
      await lean.respond(fake.responseUrl('r1'), { response_type: 'ephemeral', text: 'hi' }),
      true,
    );
    const [call] = fake.callsOf('response_url');
    assert.deepEqual(call.args, { id: 'r1', response_type: 'ephemeral', text: 'hi' });
  });

  it('fails a 5xx as transient, a 404 as permanent, a 429 with its Retry-After, silence as transient', async () => {
    fake.failNext('response_url', { status: 500 }, { status: 404 }, { status: 429, retryAfter: 3 });
    const verdict = async (url: string) => (await failure(lean.respond(url, { text: 'x' }))).verdict;
    assert.deepEqual(await verdict(fake.responseUrl()), { kind: 'transient', reason: 'http_500' });
    assert.deepEqual(await verdict(fake.responseUrl()), { kind: 'permanent', reason: 'http_404' });
    assert.deepEqual(await verdict(fake.responseUrl()), { kind: 'rate-limited', retryAfterMs: 3000 });
    const dead = `http://127.0.0.1:${await closedPort()}/response/1`;
    assert.deepEqual(await verdict(dead), { kind: 'transient', reason: 'network_error' });
  });
});

describe('the outbound queue over the lean transport', () => {
  it('waits out a 429 and delivers the card once', async () => {
    const fake = await FakeSlackApi.start({ token: TOKEN });
    const lean = new LeanTransport(TOKEN, fake.apiUrl, silentLogger);
    const web = createWebClient(TOKEN, fake.apiUrl, undefined, lean);
    const queue = new OutboundQueue({ log: silentLogger, backoff: { baseMs: 1, maxMs: 5 } });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, { error: 'internal_error' });
    const res = await queue.enqueue({
      method: 'chat.postMessage',
      channel: 'C1',
      priority: true,
      send: () => web.chat.postMessage({ channel: 'C1', text: 'card' }),
    });
    assert.equal(res?.ok, true);
    assert.equal(fake.callsOf('chat.postMessage').length, 2, 'the refused try and the delivered one');
    assert.equal(fake.rateLimited.get('chat.postMessage'), 1);
    queue.close();
    await lean.close();
    await fake.close();
  });
});
