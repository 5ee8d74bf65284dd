import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MetricsRegistry } from '../../../src/adapters/http/metrics.ts';
import { FileLogArchive } from '../../../src/adapters/store/FileLogArchive.ts';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import { createTemplateSource } from '../../../src/adapters/templates/template-source.ts';
import { ACTIONS } from '../../../src/core/actions.ts';
import type { Run } from '../../../src/core/run/run.ts';
import type { Policy } from '../../../src/ports/policy.ts';
import { Orchestrator } from '../../../src/services/orchestrator/Orchestrator.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { FakeRuntime } from '../../support/fake-runtime.ts';
import { RecordingChat } from '../../support/recording-chat.ts';

const alice = { user: 'UALICE', channel: 'CML' };
const bob = { user: 'UBOB', channel: 'CML' };
const templates = createTemplateSource(join(import.meta.dirname, '../../../manifests'));

const policy: Policy = {
  isAdmin: (u) => u === 'UADMIN',
  checkLaunch: (_u, _c, spec) => (spec.resources.gpu > 4 ? 'At most 4 GPUs per run.' : undefined),
  mayStop: (u, run) => u === run.launchedBy || u === 'UADMIN',
};

interface World {
  dir: string;
  store: FileStore;
  logs: FileLogArchive;
  chat: RecordingChat;
  runtime: FakeRuntime;
  orchestrator: Orchestrator;
}

/** A started orchestrator over the store in `dir`; `prepare` sets up the runtime before recovery. */
async function world(dir: string, prepare: (runtime: FakeRuntime) => void = () => {}): Promise<World> {
  const store = await FileStore.open(dir);
  const logs = new FileLogArchive(dir);
  const chat = new RecordingChat();
  const runtime = new FakeRuntime();
  prepare(runtime);
  const orchestrator = new Orchestrator({
    store,
    templates,
    runtime,
    chat,
    policy,
    logs,
    log: silentLogger,
    metrics: new MetricsRegistry(),
  });
  await orchestrator.start();
  return { dir, store, logs, chat, runtime, orchestrator };
}

/** Stops the bot and starts a new one over the same data folder, as a restart does. */
async function restart(w: World, prepare?: (runtime: FakeRuntime) => void): Promise<World> {
  await w.orchestrator.close();
  await w.store.close();
  return world(w.dir, prepare);
}

async function launched(w: World, text: string, from = alice): Promise<Run> {
  const before = w.runtime.submitted.length;
  await w.orchestrator.command(text, from);
  assert.deepEqual(w.chat.errors(), []);
  for (let i = 0; i < 100 && w.runtime.submitted.length === before; i++)
    await new Promise((r) => setImmediate(r));
  const run = w.runtime.submitted.at(-1);
  assert.ok(run, 'the run was not submitted');
  return run;
}

describe('Orchestrator', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-orch-')));
  });
  afterEach(async () => {
    await w.orchestrator.close();
    await w.store.close();
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('launches a run, follows it to the end and sends one notice with the log', async () => {
    const run = await launched(w, 'sleep seconds=5');
    assert.equal(run.spec.params.seconds, 5);
    assert.equal(w.chat.cards.length, 1);
    assert.equal(w.store.getRun(run.id)?.placement?.handle, `sleep-${run.number}-abcde`);
    w.runtime.report(run.id, { state: 'running' });
    w.runtime.logs(run.id, ['step 1/5', 'step 2/5 loss=0.5']);
    w.runtime.sink?.log(run.id, ['no progress here'], '2026-01-01T00:00:01.000000001Z');
    assert.equal(w.store.getRun(run.id)?.logCursor, '2026-01-01T00:00:01.000000001Z');
    const live = w.store.getRun(run.id)!;
    assert.deepEqual(live.progress, { current: 2, total: 5, unit: 'step' });
    assert.equal(live.metrics.loss, 0.5);
    assert.equal(live.card?.ts, `ts-${run.number}`);
    const ended = w.orchestrator.whenEnded(run.id);
    w.runtime.report(run.id, { state: 'succeeded', exitCode: 0 });
    w.runtime.report(run.id, { state: 'succeeded', exitCode: 0 });
    const final = await ended;
    assert.equal(final.state, 'succeeded');
    assert.equal(final.noticeSent, true);
    assert.equal(w.chat.notices.length, 1);
    assert.deepEqual(w.chat.notices[0].logTail, ['step 1/5', 'step 2/5 loss=0.5', 'no progress here']);
    assert.equal(w.chat.files.length, 1);
    assert.match(w.chat.files[0].content, /step 2\/5/);
    assert.equal(w.chat.updates.at(-1)?.state, 'succeeded');
  });

  it('answers bad input with one sentence and creates nothing', async () => {
    for (const text of [
      'sleeep seconds=1',
      'sleep secs=1',
      'sleep seconds=abc',
      'sleep seconds=-1',
      'sleep --gpu lots',
    ]) {
      await w.orchestrator.command(text, alice);
    }
    const errors = w.chat.errors();
    assert.equal(errors.length, 5);
    assert.match(errors[0], /Unknown template or command "sleeep"\. Did you mean "sleep"\?/);
    assert.match(errors[1], /secs/);
    for (const e of errors) assert.doesNotMatch(e, /\n|at .*\.ts/);
    assert.equal(w.store.listRuns().length, 0);
    assert.equal(w.runtime.submitted.length, 0);
  });

  it('refuses what the policy refuses', async () => {
    await w.orchestrator.command('sleep --gpu 8', alice);
    assert.deepEqual(w.chat.errors(), ['At most 4 GPUs per run.']);
    assert.equal(w.store.listRuns().length, 0);
  });

  it('never launches twice for a retried delivery', async () => {
    await w.orchestrator.command('sleep seconds=1', alice, 'trigger-1');
    await w.orchestrator.command('sleep seconds=1', alice, 'trigger-1');
    assert.equal(w.store.listRuns().length, 1);
  });

  it('lets only the launcher or an admin stop a run', async () => {
    const run = await launched(w, 'sleep seconds=100');
    await w.orchestrator.action(ACTIONS.stop, run.id, bob, 'press-1');
    assert.match(w.chat.errors()[0], /Only <@UALICE> or an admin can stop run #\d+/);
    assert.deepEqual(w.runtime.stopped, []);
    const ended = w.orchestrator.whenEnded(run.id);
    await w.orchestrator.action(ACTIONS.stop, run.id, alice, 'press-2');
    await w.orchestrator.action(ACTIONS.stop, run.id, alice, 'press-2');
    assert.deepEqual(w.runtime.stopped, [run.id]);
    const final = await ended;
    assert.equal(final.state, 'stopped');
    assert.equal(final.stoppedBy, 'UALICE');
    await w.orchestrator.command(`stop ${run.number}`, alice);
    assert.match(JSON.stringify(w.chat.answers.at(-1)?.reply), /already ended/);
  });

  it('stops a run whose job is still being created, once the job exists', async () => {
    let release = () => {};
    w.runtime.submitGate = new Promise((resolve) => {
      release = resolve;
    });
    await w.orchestrator.command('sleep seconds=100', alice);
    const [run] = w.store.listRuns();
    await w.orchestrator.command(`stop ${run.number}`, alice);
    assert.equal(w.store.getRun(run.id)?.state, 'stopped');
    release();
    for (let i = 0; i < 100 && !w.runtime.stopped.length; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(w.runtime.stopped, [run.id]);
    assert.equal(w.store.getRun(run.id)?.state, 'stopped');
  });

  it('reruns with the same params, as the person who asked, with overrides', async () => {
    const run = await launched(w, 'sleep seconds=5 exit_code=2');
    const again = await launched(w, `rerun #${run.number} seconds=7`, bob);
    assert.equal(again.launchedBy, 'UBOB');
    assert.equal(again.rerunOf, run.id);
    assert.deepEqual(again.spec.params, { seconds: 7, exit_code: 2 });
    assert.ok(again.number > run.number);
  });

  it('fails a run whose submit fails, with the API message', async () => {
    w.runtime.failNextSubmit = 'quantities must match the regular expression';
    await w.orchestrator.command('sleep seconds=1', alice);
    const [run] = w.store.listRuns();
    await w.orchestrator.whenEnded(run.id);
    const final = w.store.getRun(run.id)!;
    assert.equal(final.state, 'failed');
    assert.match(final.reason ?? '', /quantities must match/);
    assert.equal(w.chat.notices.length, 1);
  });

  it('fails a run that needs an image build when no builder exists', async () => {
    await w.orchestrator.command('demo epochs=2', alice);
    const [run] = w.store.listRuns();
    const final = await w.orchestrator.whenEnded(run.id);
    assert.equal(final.state, 'failed');
    assert.match(final.reason ?? '', /needs an image build/);
    assert.equal(w.runtime.submitted.length, 0);
  });

  it('posts logs in the card thread for the Logs button and is polite about unknown buttons', async () => {
    const run = await launched(w, 'sleep seconds=5');
    w.runtime.logs(run.id, ['hello']);
    await w.orchestrator.action(ACTIONS.logs, run.id, bob);
    assert.equal(w.chat.threads.length, 1);
    assert.deepEqual((w.chat.threads[0].reply as { lines: string[] }).lines, ['hello']);
    await w.orchestrator.action('run_explode', run.id, bob);
    await w.orchestrator.action(ACTIONS.stop, 'r-doesnotexist', bob);
    assert.equal(w.chat.errors().length, 2);
  });

  it('after a restart, finishes runs that ended while it was down and marks missing ones lost', async () => {
    const done = await launched(w, 'sleep seconds=5');
    const gone = await launched(w, 'sleep seconds=5');
    const alive = await launched(w, 'sleep seconds=5');
    w.runtime.report(done.id, { state: 'running' });
    w = await restart(w, (runtime) => {
      runtime.onRecover.set(done.id, { state: 'succeeded', exitCode: 0 });
      runtime.onRecover.set(gone.id, {
        state: 'lost',
        reason: 'its Job was deleted while Trainyard was down',
      });
    });
    assert.deepEqual(w.runtime.recovered.map((r) => r.id).sort(), [done.id, gone.id, alive.id].sort());
    await w.orchestrator.whenEnded(done.id);
    await w.orchestrator.whenEnded(gone.id);
    assert.equal(w.chat.notices.length, 2);
    assert.equal(w.store.getRun(alive.id)?.state, 'pending');
    assert.equal(w.runtime.submitted.length, 0, 'nothing is launched twice');
  });

  it('after a restart, starts a run that never reached the runtime, once', async () => {
    const queued = { ...(await launched(w, 'sleep seconds=5')), id: 'r-interrupt0', number: 99 };
    const { placement: _dropped, ...neverSubmitted } = queued;
    w.store.saveRun({ ...neverSubmitted, state: 'queued' });
    w = await restart(w);
    const { runtime } = w;
    for (let i = 0; i < 100 && !runtime.submitted.length; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      runtime.submitted.map((r) => r.id),
      ['r-interrupt0'],
    );
    assert.equal(w.store.getRun('r-interrupt0')?.state, 'pending');
  });
});
