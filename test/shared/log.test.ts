import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createLogger } from '../../src/shared/log.ts';
import { secretsInEnv } from '../../src/shared/redact.ts';

/** A logger whose lines land in an array, parsed back from JSON. */
function capture(secrets: string[] = []) {
  const lines: string[] = [];
  const log = createLogger('debug', {}, (l) => lines.push(l), secrets);
  const last = () => JSON.parse(lines.at(-1) as string);
  return { log, lines, last };
}

// Shaped like a bot token so the pattern scrubber is exercised, but plainly not a real one.
const TOKEN = 'xoxb-not-a-real-token-log-test';

describe('createLogger', () => {
  it('writes one JSON line per call with time, level, message and fields, above the level only', () => {
    const lines: string[] = [];
    const log = createLogger('warn', { app: 'trainyard' }, (l) => lines.push(l), []);
    log.info('not written');
    log.child({ part: 'store' }).warn('disk slow', { ms: 120 });
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]);
    assert.equal(entry.level, 'warn');
    assert.equal(entry.msg, 'disk slow');
    assert.deepEqual([entry.app, entry.part, entry.ms], ['trainyard', 'store', 120]);
    assert.ok(!Number.isNaN(Date.parse(entry.time)));
  });

  it('logs an error with its name, message, stack, own fields and the whole cause chain', () => {
    const { log, last } = capture();
    const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const mid = new TypeError('fetch failed', { cause: root });
    log.error('listing jobs failed', { err: new Error('the cluster cannot be reached', { cause: mid }) });
    const { err } = last();
    assert.equal(err.name, 'Error');
    assert.equal(err.message, 'the cluster cannot be reached');
    assert.match(err.stack, /^Error: the cluster cannot be reached\n\s+at /);
    assert.match(err.stack, /log\.test\.ts/, 'the stack points at the code that threw');
    assert.equal(err.cause.name, 'TypeError');
    assert.match(err.cause.stack, /TypeError: fetch failed/);
    assert.equal(err.cause.cause.message, 'connect ECONNREFUSED 127.0.0.1:6443');
    assert.equal(err.cause.cause.code, 'ECONNREFUSED');
  });

  it('masks tokens in messages, stacks, causes, API bodies and nested fields', () => {
    const { log, lines } = capture();
    const cause = Object.assign(new Error(`invalid_auth for ${TOKEN}`), {
      body: `{"error":"invalid_auth","token":"${TOKEN}"}`,
    });
    const err = new Error(`chat.postMessage with ${TOKEN} failed`, { cause });
    log.error(`slack said no to ${TOKEN}`, {
      err,
      request: {
        headers: { Authorization: `Bearer ${TOKEN}` },
        note: `xapp-not-a-real-app-token and ${TOKEN}`,
      },
      list: [[{ deep: { deeper: TOKEN } }]],
    });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0].includes('xoxb-'), lines[0]);
    assert.ok(!lines[0].includes('xapp-'), lines[0]);
    const entry = JSON.parse(lines[0]);
    assert.equal(entry.msg, 'slack said no to [redacted]');
    assert.match(entry.err.stack, /chat\.postMessage with \[redacted\] failed/);
    assert.equal(entry.err.cause.message, 'invalid_auth for [redacted]');
    assert.equal(entry.request.headers.Authorization, '[redacted]');
  });

  it('masks credentials in URLs and HTTP auth headers written into text', () => {
    const { log, last } = capture();
    log.warn('push failed', {
      registry: 'https://robot:s3cr3t-pass@registry.example.com/v2/',
      git: 'clone of https://ghp_abcdefghijklmnop@github.com/acme/models.git failed',
      header: 'sent Authorization: Basic cm9ib3Q6czNjcjN0LXBhc3M= and got 401',
    });
    const entry = last();
    assert.equal(entry.registry, 'https://[redacted]@registry.example.com/v2/');
    assert.equal(entry.git, 'clone of https://[redacted]@github.com/acme/models.git failed');
    assert.equal(entry.header, 'sent Authorization: Basic [redacted] and got 401');
  });

  it('masks the values of secret environment variables wherever they appear', () => {
    const secrets = secretsInEnv({
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
      TRAINYARD_REGISTRY_PASSWORD: 'hunter2-but-longer',
      PORT: '3000',
      HOME: '/root',
    });
    assert.deepEqual(secrets, ['8f742231b10e8888abcd99yyyzzz85a5', 'hunter2-but-longer']);
    const { log, lines } = capture(secrets);
    log.error('bad signature', { err: new Error('expected 8f742231b10e8888abcd99yyyzzz85a5') });
    log.info('login', { detail: { text: 'docker login -p hunter2-but-longer' } });
    assert.ok(
      lines.every((l) => !l.includes('8f742231b10e') && !l.includes('hunter2')),
      lines.join('\n'),
    );
  });

  it('survives cycles, endless cause chains, deep objects, bigints and functions', () => {
    const { log, last } = capture();
    const loop = new Error('loops');
    (loop as Error & { cause: unknown }).cause = loop;
    let chain = new Error('cause 0');
    for (let i = 1; i <= 20; i++) chain = new Error(`cause ${i}`, { cause: chain });
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { token: TOKEN, text: TOKEN };
    for (let i = 0; i < 20; i++) deep = { inner: deep };
    log.error('odd things', { loop, chain, cyclic, deep, big: 10n ** 20n, fn: () => 1 });
    const entry = last();
    assert.equal(entry.loop.cause, '[circular]');
    assert.equal(entry.cyclic.self, '[circular]');
    let depth = 0;
    for (let c = entry.chain; typeof c === 'object'; c = c.cause) depth++;
    assert.ok(depth >= 3 && depth <= 8, `the chain is cut after a few causes (${depth})`);
    assert.ok(!JSON.stringify(entry).includes('xoxb-'), 'deep values are replaced, never written raw');
    assert.equal(entry.big, '100000000000000000000');
    assert.equal(entry.fn, undefined);
  });

  it('never throws and never lets a Slack token through, whatever it is given (property)', () => {
    const { log, lines } = capture();
    const withToken = fc.string().map((s) => `${s}${TOKEN}${s}`);
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withSet: true }),
        withToken,
        (value, text) => {
          log.info(text, { value, err: new Error(text, { cause: value }), [text]: text });
          assert.ok(!(lines.at(-1) as string).includes('xoxb-'));
        },
      ),
    );
  });
});
