import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OutboundQueue } from '../../../../src/adapters/chat/slack/OutboundQueue.ts';
import { createWebClient } from '../../../../src/adapters/chat/slack/web-client.ts';
import { MetricsRegistry } from '../../../../src/adapters/http/metrics.ts';
import { capturingLogger } from '../../../support/capturing-logger.ts';
import { FakeSlackApi } from '../../../support/slack-api.ts';

const TOKEN = 'xoxb-queue-test-token';

const client = (fake: FakeSlackApi) => createWebClient(TOKEN, fake.apiUrl);

describe('OutboundQueue', () => {
  let fake: FakeSlackApi;
  before(async () => {
    fake = await FakeSlackApi.start({
      token: TOKEN,
      // A short window keeps the budget test quick; it still holds 15 updates to three windows.
      limits: { 'chat.update': { limit: 5, windowMs: 150, scope: 'workspace' } },
    });
  });
  after(() => fake.close());

  it('coalesces waiting updates of one card: only the latest is sent and every caller gets its answer', async () => {
    const { log } = capturingLogger();
    const queue = new OutboundQueue({ log });
    const sent: number[] = [];
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        queue.enqueue({
          method: 'chat.update',
          coalesceKey: 'update:C1:1.1',
          send: async () => {
            sent.push(n);
            return n;
          },
        }),
      ),
    );
    assert.deepEqual(sent, [5]);
    assert.deepEqual(results, [5, 5, 5, 5, 5]);
    queue.close();
  });

  it('drops a call still waiting when it expires, as failed, instead of sending it late (a form’s trigger_id)', async () => {
    const { log, lines } = capturingLogger();
    // A budget of one call a minute: the second waits, and expires long before its turn.
    const queue = new OutboundQueue({
      log,
      budgets: { 'views.open': { limit: 1, windowMs: 60_000, scope: 'workspace' } },
    });
    const sent: string[] = [];
    // The first may take as long as it likes; the second is worthless after 50 ms, and has to wait a minute.
    const open = (label: string) =>
      queue.deliver({
        method: 'views.open',
        priority: true,
        expiresAt: Date.now() + (label === 'first' ? 60_000 : 50),
        send: async () => {
          sent.push(label);
          return label;
        },
      });
    const [first, second] = await Promise.all([open('first'), open('second')]);
    assert.deepEqual(first, { status: 'sent', value: 'first' });
    assert.deepEqual(second, { status: 'failed' });
    assert.deepEqual(sent, ['first']);
    assert.ok(lines.some((l) => /slack call dropped.*expired before it could be sent/.test(l)));
    await queue.drain();
    queue.close();
  });

  it('keeps a waiting final state when a stale non-priority update for the same card arrives', async () => {
    const { log } = capturingLogger();
    const queue = new OutboundQueue({ log });
    const sent: string[] = [];
    const call = (label: string, priority: boolean) =>
      queue.enqueue({
        method: 'chat.update',
        coalesceKey: 'update:C1:2.2',
        priority,
        send: async () => {
          sent.push(label);
          return label;
        },
      });
    await Promise.all([call('running', false), call('succeeded', true), call('stale running', false)]);
    assert.deepEqual(sent, ['succeeded']);
    queue.close();
  });

  it('sends priority calls before ordinary ones waiting for the same budget', async () => {
    const { log } = capturingLogger();
    const queue = new OutboundQueue({
      log,
      budgets: { 'chat.update': { limit: 1, windowMs: 30, scope: 'workspace' } },
      safetyMarginMs: 0,
    });
    const sent: string[] = [];
    const call = (label: string, priority = false) =>
      queue.enqueue({
        method: 'chat.update',
        coalesceKey: label,
        priority,
        send: async () => {
          sent.push(label);
          return label;
        },
      });
    await Promise.all([call('progress a'), call('progress b'), call('final c', true)]);
    assert.deepEqual(sent, ['final c', 'progress a', 'progress b']);
    queue.close();
  });

  it('pauses a method for Retry-After on 429 and then delivers the call', async () => {
    const { log, lines } = capturingLogger();
    const queue = new OutboundQueue({ log });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const before = fake.callsOf('chat.postMessage').length;
    const res = await queue.enqueue({
      method: 'chat.postMessage',
      channel: 'C429',
      priority: true,
      send: () => client(fake).chat.postMessage({ channel: 'C429', text: 'final' }),
    });
    assert.equal(res?.ok, true);
    assert.equal(fake.callsOf('chat.postMessage').length, before + 1);
    assert.ok(lines.some((l) => l.includes('slack rate limited') && l.includes('"retryAfterMs":1000')));
    queue.close();
  });

  it('retries transient server errors with backoff', async () => {
    const { log } = capturingLogger();
    const queue = new OutboundQueue({
      log,
      backoff: { baseMs: 5, maxMs: 20 },
      // Not the per-channel spacing of 1 s under test here: the retries themselves.
      budgets: { 'chat.postMessage': { limit: 6000, windowMs: 60_000, scope: 'channel' } },
    });
    fake.failNext('chat.postMessage', { status: 503 }, { status: 500 });
    const before = fake.callsOf('chat.postMessage').length;
    const res = await queue.enqueue({
      method: 'chat.postMessage',
      channel: 'C5xx',
      send: () => client(fake).chat.postMessage({ channel: 'C5xx', text: 'hello' }),
    });
    assert.equal(res?.ok, true);
    assert.equal(fake.callsOf('chat.postMessage').length, before + 1, 'delivered once, after two failures');
    queue.close();
  });

  it('drops a call on a permanent error, logging the reason but never the token', async () => {
    const { log, lines } = capturingLogger();
    const queue = new OutboundQueue({ log });
    fake.channelErrors.set('CGONE', 'channel_not_found');
    const before = fake.callsOf('chat.postMessage').length;
    const res = await queue.enqueue({
      method: 'chat.postMessage',
      channel: 'CGONE',
      priority: true,
      send: () => client(fake).chat.postMessage({ channel: 'CGONE', text: 'hello' }),
    });
    assert.equal(res, undefined);
    assert.equal(fake.callsOf('chat.postMessage').length, before + 1, 'not retried');
    const dropped = lines.find((l) => l.includes('slack call dropped'));
    assert.ok(dropped?.includes('channel_not_found'));
    assert.ok(!lines.some((l) => l.includes(TOKEN)));
  });

  it('stays inside a budget the server enforces: no 429 for many distinct updates', async () => {
    const { log } = capturingLogger();
    const metrics = new MetricsRegistry();
    const queue = new OutboundQueue({
      log,
      metrics,
      budgets: { 'chat.update': { limit: 5, windowMs: 150, scope: 'workspace' } },
      safetyMarginMs: 50,
    });
    const web = client(fake);
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        queue.enqueue({
          method: 'chat.update',
          coalesceKey: `card-${i}`,
          send: () => web.chat.update({ channel: 'C1', ts: `${i}.0`, text: `update ${i}` }),
        }),
      ),
    );
    assert.ok(results.every((r) => r?.ok === true));
    assert.equal(fake.rateLimited.get('chat.update') ?? 0, 0);
    assert.match(
      await metrics.render(),
      /trainyard_slack_calls_total\{method="chat.update",outcome="ok"\} 15/,
    );
    queue.close();
  });

  it('drain resolves once everything queued was delivered, and close drops what still waits', async () => {
    const { log } = capturingLogger();
    const queue = new OutboundQueue({
      log,
      budgets: { slow: { limit: 1, windowMs: 60_000, scope: 'workspace' } },
    });
    const first = queue.enqueue({ method: 'slow', send: async () => 'sent' });
    await queue.drain();
    assert.equal(await first, 'sent');
    const second = queue.enqueue({ method: 'slow', send: async () => 'never' });
    queue.close();
    assert.equal(await second, undefined);
  });

  it('closeWithin sends what is priority, reports the rest unsent, and tells each caller which', async () => {
    const { log } = capturingLogger();
    const queue = new OutboundQueue({
      log,
      budgets: { 'chat.update': { limit: 2, windowMs: 60_000, scope: 'workspace' } },
    });
    const sent: string[] = [];
    const call = (label: string, priority: boolean) =>
      queue.deliver({
        method: 'chat.update',
        coalesceKey: `update:C1:${label}`,
        priority,
        send: async () => {
          sent.push(label);
          return label;
        },
      });
    // Two calls a minute, one of them kept for priority calls: after the first, only a final state may go.
    const first = call('first', false);
    await first;
    const progress = call('progress', false);
    const final = call('final', true);
    const left = await queue.closeWithin(60_000);
    assert.deepEqual(sent, ['first', 'final'], 'the final state went within the reserve; progress did not');
    assert.deepEqual(await final, { status: 'sent', value: 'final' });
    assert.deepEqual(await progress, { status: 'unsent' });
    assert.deepEqual(
      left.map((c) => c.coalesceKey),
      ['update:C1:progress'],
    );
    assert.deepEqual(await call('late', true), { status: 'unsent' }, 'nothing is taken after closing');
  });

  it('closeWithin gives up on a Slack that does not answer, and reports the calls it never heard back about', async () => {
    const { log } = capturingLogger();
    const queue = new OutboundQueue({ log });
    const hanging = queue.deliver({
      method: 'chat.postMessage',
      channel: 'CHANG',
      priority: true,
      send: () => new Promise(() => {}),
    });
    const waiting = queue.deliver({
      method: 'chat.postMessage',
      channel: 'CHANG',
      send: async () => 'never',
    });
    await new Promise((r) => setImmediate(r));
    const left = await queue.closeWithin(20, 20);
    assert.equal(left.length, 2);
    assert.deepEqual(await hanging, { status: 'unsent' });
    assert.deepEqual(await waiting, { status: 'unsent' });
  });

  it('never lets one method Slack is slow to answer take every slot', async () => {
    const { log } = capturingLogger();
    const queue = new OutboundQueue({ log, maxInFlight: 6 });
    const stuck = Array.from({ length: 10 }, () =>
      queue.enqueue({ method: 'files.uploadV2', priority: true, send: () => new Promise<string>(() => {}) }),
    );
    assert.equal(stuck.length, 10);
    const answer = await queue.enqueue({ method: 'response_url', send: async () => 'answered' });
    assert.equal(answer, 'answered');
    queue.close();
  });
});
