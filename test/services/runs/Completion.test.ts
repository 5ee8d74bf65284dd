import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileLogArchive } from '../../../src/adapters/store/FileLogArchive.ts';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { Run } from '../../../src/core/run/run.ts';
import { eventually } from '../../support/eventually.ts';
import { close, launched, restart, type World, world } from '../../support/hub-world.ts';
import { makeRun } from '../../support/make-run.ts';

/** A data folder holding `count` runs that ended while no bot was there to tell anyone. */
async function endedWhileAway(dir: string, count: number): Promise<Run[]> {
  const store = await FileStore.open(dir);
  const logs = new FileLogArchive(dir);
  const runs: Run[] = [];
  for (let i = 1; i <= count; i++) {
    const run = makeRun({
      id: `r-owed${String(i).padStart(6, '0')}`,
      number: store.nextRunNumber(),
      state: i % 3 ? 'succeeded' : 'failed',
      channel: `C${i % 7}`,
      card: { channel: `C${i % 7}`, ts: `${i}.000100` },
      endedAt: new Date('2026-01-01T01:00:00Z').toISOString(),
    });
    store.saveRun(run);
    logs.append(run.id, [`step 1/1 of ${run.id}`]);
    runs.push(run);
  }
  await logs.flush();
  await store.close();
  return runs;
}

describe('Completion: notices and log uploads owed', () => {
  let w: World | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trainyard-completion-'));
  });
  afterEach(async () => {
    if (w) await close(w);
    w = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('comes up at once with hundreds owed, then posts each notice and log exactly once', async () => {
    const owed = await endedWhileAway(dir, 300);
    // The chat delivers nothing until the test says so: starting must not wait for it.
    let open = () => {};
    const slow = new Promise<void>((resolve) => {
      open = resolve;
    });
    w = await world(dir, { chat: (chat) => (chat.gate = slow) });
    assert.ok(w.chat.handlers, 'the door is open');
    const outcome = await w.door.command('help', { user: 'U1', channel: 'C1' });
    assert.equal(outcome.reply?.kind, 'help', 'commands are answered meanwhile');
    assert.equal(w.chat.notices.length, 0);
    open();
    await Promise.all(owed.map((run) => w?.hub.runs.whenEnded(run.id)));
    assert.equal(w.chat.notices.length, 300);
    assert.equal(new Set(w.chat.notices.map((n) => n.run.id)).size, 300, 'no notice twice');
    assert.equal(w.chat.files.length, 300);
    assert.equal(new Set(w.chat.files.map((f) => f.run.id)).size, 300, 'no log twice');
    for (const run of owed) {
      // Settled runs beyond the live window move to history: loadRun reaches both.
      const stored = await w.store.loadRun(run.id);
      assert.equal(stored?.noticeSent, true);
      assert.equal(stored?.logUploaded, true);
    }
  });

  it('keeps a notice delivered before a shutdown, and sends only the log after the restart', async () => {
    w = await world(dir);
    const run = await launched(w, 'sleep seconds=1');
    w.runtime.logs(run.id, ['the only line']);
    // The notice goes out; the shutdown comes before the upload does.
    const uploads = w.chat.files.length;
    const uploadGate = new Promise<void>(() => {});
    const chat = w.chat;
    const postNotice = chat.postNotice.bind(chat);
    chat.postNotice = async (r, tail) => {
      const sent = await postNotice(r, tail);
      chat.gate = uploadGate;
      return sent;
    };
    w.runtime.report(run.id, { state: 'succeeded', exitCode: 0 });
    await eventually('the notice', () => w?.store.getRun(run.id)?.noticeSent === true);
    assert.equal(chat.notices.length, 1);
    assert.equal(w.store.getRun(run.id)?.noticeSent, true);
    assert.equal(w.store.getRun(run.id)?.logUploaded, false, 'the upload is still owed');
    assert.equal(chat.files.length, uploads);
    w = await restart(w);
    const final = await w.hub.runs.whenEnded(run.id);
    assert.equal(w.chat.notices.length, 0, 'the notice is not posted again');
    assert.equal(w.chat.files.length, 1);
    assert.match(w.chat.files[0].content, /the only line/);
    assert.equal(final.logUploaded, true);
  });

  it('leaves a notice owed when the chat shuts down before sending it, and sends it after the restart', async () => {
    w = await world(dir);
    const run = await launched(w, 'sleep seconds=1');
    w.chat.unsent = true;
    w.runtime.report(run.id, { state: 'failed', exitCode: 2 });
    await w.hub.runs.whenEnded(run.id);
    assert.equal(w.store.getRun(run.id)?.noticeSent, undefined);
    w = await restart(w);
    const final = await w.hub.runs.whenEnded(run.id);
    assert.equal(w.chat.notices.length, 1);
    assert.equal(w.chat.notices[0].run.id, run.id);
    assert.equal(final.noticeSent, true);
  });
});
