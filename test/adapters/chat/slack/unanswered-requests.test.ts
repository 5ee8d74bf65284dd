import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { UnansweredRequests } from '../../../../src/adapters/chat/slack/unanswered-requests.ts';
import { eventually } from '../../../support/eventually.ts';

describe('UnansweredRequests', () => {
  it('is busy while a request waits for its answer, and not once it is answered or given up', async () => {
    const releases: (() => void)[] = [];
    const server = createServer((_req, res) => releases.push(() => res.end('ok')));
    // No burst gap: only requests actually waiting count here.
    const unanswered = new UnansweredRequests(0);
    unanswered.watch(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const until = (check: () => boolean) => eventually('the request to be seen', check, { everyMs: 2 });

    assert.equal(unanswered.busy, false);
    const answered = new Promise<number>((resolve) =>
      request({ host: '127.0.0.1', port, method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).end('payload'),
    );
    await until(() => releases.length === 1);
    assert.equal(unanswered.busy, true);
    releases[0]();
    assert.equal(await answered, 200);
    assert.equal(unanswered.busy, false);

    // A sender that gives up before the answer: its request no longer counts.
    const gone = request({ host: '127.0.0.1', port, method: 'POST' });
    gone.on('error', () => {});
    gone.end('payload');
    await until(() => releases.length === 2);
    assert.equal(unanswered.busy, true);
    gone.destroy();
    await until(() => !unanswered.busy);
    server.close();
  });

  it('stays busy for a moment after a request, while a burst may still be arriving', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    const unanswered = new UnansweredRequests(60_000);
    unanswered.watch(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => request({ host: '127.0.0.1', port }, resolve).end());
    assert.equal(unanswered.busy, true);
    server.close();
  });
});
