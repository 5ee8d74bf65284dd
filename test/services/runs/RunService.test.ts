import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Run } from '../../../src/core/run/run.ts';
import { LABELS } from '../../../src/core/run/run-identity.ts';
import type { Policy } from '../../../src/ports/policy.ts';
import { eventually } from '../../support/eventually.ts';
import { alice, close, launched, testPolicy, type World, world } from '../../support/hub-world.ts';

describe('RunService: the life of a run', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-runs-')));
  });
  afterEach(async () => {
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('launches a run, follows it to the end and sends one notice with the log', async () => {
    const run = await launched(w, 'sleep seconds=5');
    assert.equal(run.spec.params.seconds, 5);
    assert.deepEqual(run.origin, { kind: 'command' });
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
    const ended = w.hub.runs.whenEnded(run.id);
    w.runtime.report(run.id, { state: 'succeeded', exitCode: 0 });
    w.runtime.report(run.id, { state: 'succeeded', exitCode: 0 });
    const final = await ended;
    assert.equal(final.state, 'succeeded');
    assert.equal(final.noticeSent, true);
    assert.equal(final.logUploaded, true);
    assert.equal(w.chat.notices.length, 1);
    assert.deepEqual(w.chat.notices[0].logTail, ['step 1/5', 'step 2/5 loss=0.5', 'no progress here']);
    assert.equal(w.chat.files.length, 1);
    assert.match(w.chat.files[0].content, /step 2\/5/);
    assert.equal(w.chat.updates.at(-1)?.state, 'succeeded');
  });

  it('stops through the runtime a run it reported on whose placement was never stored (a kill in between)', async () => {
    const run = await launched(w, 'sleep seconds=100');
    const { placement: _lost, ...unplaced } = w.store.getRun(run.id) as Run;
    w.store.saveRun({ ...unplaced, state: 'pending' });
    await w.door.command(`stop ${run.number}`, alice);
    assert.deepEqual(w.runtime.stopped, [run.id], 'its job is deleted, not left running');
    assert.equal(w.store.getRun(run.id)?.state, 'stopped');
  });

  it('says why a stop the runtime refused did not happen, escaped, and leaves the run going', async () => {
    const run = await launched(w, 'sleep seconds=100');
    w.runtime.report(run.id, { state: 'running' });
    w.runtime.stop = async () => {
      throw new Error(
        'Could not stop the Job on the cluster (jobs.batch is forbidden: <!channel>); try again later.',
      );
    };
    await w.door.command(`stop ${run.number}`, alice);
    assert.deepEqual(w.chat.errors(), [
      `Run #${run.number} is still going: Could not stop the Job on the cluster (jobs.batch is forbidden: <!channel>); try again later.`,
    ]);
    const reply = w.chat.answers.at(-1)?.reply;
    assert.ok(
      reply?.kind === 'error' && typeof reply.text !== 'string',
      "the runtime's words are plain text, never markup",
    );
    assert.equal(w.store.getRun(run.id)?.state, 'running');
  });

  it('stops a run whose job is still being created, once the job exists', async () => {
    let release = () => {};
    w.runtime.submitGate = new Promise((resolve) => {
      release = resolve;
    });
    await w.door.command('sleep seconds=100', alice);
    const [run] = w.store.listRuns();
    await w.door.command(`stop ${run.number}`, alice);
    assert.equal(w.store.getRun(run.id)?.state, 'stopped');
    release();
    await eventually('the runtime to get it', () => w.runtime.stopped.length > 0);
    assert.deepEqual(w.runtime.stopped, [run.id]);
    assert.equal(w.store.getRun(run.id)?.state, 'stopped');
    assert.equal(w.store.getRun(run.id)?.stoppedBy, 'UALICE');
  });

  it('records who stopped a run on its end state, and a reason only when one was given', async () => {
    const byHand = await launched(w, 'sleep seconds=100');
    w.runtime.report(byHand.id, { state: 'running' });
    const ended = w.hub.runs.whenEnded(byHand.id);
    await w.door.command(`stop ${byHand.number}`, alice);
    const final = await ended;
    assert.equal(final.state, 'stopped');
    assert.equal(final.stoppedBy, 'UALICE');
    assert.equal(final.reason, undefined, 'the views say who stopped it; no reason text repeats it');

    const replaced = await launched(w, 'sleep seconds=100');
    await w.hub.runs.stop(replaced.id, 'replaced by the next run of schedule nightly');
    const last = await w.hub.runs.whenEnded(replaced.id);
    assert.equal(last.reason, 'replaced by the next run of schedule nightly');
    assert.equal(last.stoppedBy, undefined);
  });

  it('answers a spec the runtime cannot honour with its sentence, and starts nothing', async () => {
    const refusal =
      'Template sleep uses job.secretEnv, which the process runtime cannot honour (only Kubernetes can).';
    w.runtime.refuse = (spec) => (spec.params.seconds === 7 ? refusal : undefined);
    const outcome = await w.door.command('sleep seconds=7', alice);
    assert.deepEqual(outcome, { reply: { kind: 'error', text: refusal }, started: [] });
    const request = { template: 'sleep', params: { seconds: '7' }, options: {}, ...alice };
    assert.deepEqual(await w.hub.runs.check(request), { ok: false, error: refusal });
    assert.equal(w.store.listRuns().length, 0);
    assert.equal(w.chat.cards.length, 0, 'no card, failed or otherwise');
    assert.equal(w.runtime.submitted.length, 0);
    const other = await w.door.command('sleep seconds=8', alice);
    assert.equal(other.started.length, 1, 'a spec it can honour starts as usual');
  });

  it('notes when a run was last seen alive with each log cursor, even from lines that change nothing', async () => {
    const run = await launched(w, 'sleep seconds=5');
    w.runtime.report(run.id, { state: 'running' });
    assert.equal(w.store.getRun(run.id)?.lastSeenAt, undefined);
    w.runtime.sink?.log(run.id, ['warming up'], 'cursor-1');
    const seen = w.store.getRun(run.id);
    assert.equal(seen?.logCursor, 'cursor-1');
    assert.ok(seen?.lastSeenAt, 'a cursor saved alone still says the run was alive');
    assert.equal(seen?.progress, undefined);
  });

  it('fails a run whose submit fails, with the API message', async () => {
    w.runtime.failNextSubmit = 'quantities must match the regular expression';
    await w.door.command('sleep seconds=1', alice);
    const [run] = w.store.listRuns();
    await w.hub.runs.whenEnded(run.id);
    const final = w.store.getRun(run.id)!;
    assert.equal(final.state, 'failed');
    assert.match(final.reason ?? '', /quantities must match/);
    assert.equal(w.chat.notices.length, 1);
  });

  it('fails a run that needs an image build when no builder exists', async () => {
    await w.door.command('demo epochs=2', alice);
    const [run] = w.store.listRuns();
    const final = await w.hub.runs.whenEnded(run.id);
    assert.equal(final.state, 'failed');
    assert.match(final.reason ?? '', /needs an image build/);
    assert.equal(w.runtime.submitted.length, 0);
  });

  it('tells listeners about every change and, once, about the end; a failing listener harms nothing', async () => {
    const changes: string[] = [];
    const ends: Run[] = [];
    w.hub.runs.onRunChanged(() => {
      throw new Error('a buggy listener');
    });
    const stopChanges = w.hub.runs.onRunChanged((run) => changes.push(run.state));
    w.hub.runs.onRunEnded((run) => ends.push(run));
    const run = await launched(w, 'sleep seconds=5');
    w.runtime.report(run.id, { state: 'running' });
    w.runtime.logs(run.id, ['step 1/5']);
    w.runtime.report(run.id, { state: 'failed', exitCode: 3 });
    w.runtime.report(run.id, { state: 'failed', exitCode: 3 });
    assert.deepEqual(changes, ['queued', 'queued', 'pending', 'running', 'running', 'failed']);
    assert.equal(ends.length, 1);
    assert.equal(ends[0].state, 'failed');
    assert.equal(ends[0].exitCode, 3);
    stopChanges();
    await launched(w, 'sleep seconds=5');
    assert.equal(changes.length, 6, 'no change is told after unsubscribing');
    assert.equal((await w.hub.runs.whenEnded(run.id)).noticeSent, true);
  });

  it('runs a quiet launch like any run, without a card or a notice of its own, with its parent labels', async () => {
    const result = await w.hub.runs.launch({
      template: 'sleep',
      params: { seconds: '5' },
      options: {},
      user: alice.user,
      channel: alice.channel,
      parent: { kind: 'sweep', id: 'sweep-57' },
      quiet: true,
      labels: { [LABELS.sweep]: 'sweep-57', [LABELS.run]: 'r-notmine00' },
      annotations: { 'trainyard.io/trial': '3' },
    });
    assert.ok(result.ok);
    const run = result.run;
    await eventually('the runtime to get it', () => w.runtime.submitted.length > 0);
    const submitted = w.runtime.submitted[0];
    assert.equal(submitted.id, run.id);
    assert.deepEqual(submitted.parent, { kind: 'sweep', id: 'sweep-57' });
    assert.deepEqual(submitted.labels, { [LABELS.sweep]: 'sweep-57', [LABELS.run]: 'r-notmine00' });
    w.runtime.report(run.id, { state: 'running' });
    w.runtime.logs(run.id, ['step 1/5 loss=0.9']);
    // status, logs and stop work as for any run
    await w.door.command(`status ${run.number}`, alice);
    assert.equal(w.chat.answers.at(-1)?.reply.kind, 'run');
    await w.door.command(`logs ${run.number}`, alice);
    assert.deepEqual(w.chat.logLines(), ['step 1/5 loss=0.9']);
    const ended = w.hub.runs.whenEnded(run.id);
    await w.door.command(`stop ${run.number}`, alice);
    assert.equal((await ended).state, 'stopped');
    assert.equal(w.chat.cards.length, 0, 'no card');
    assert.equal(w.chat.updates.length, 0, 'no card updates');
    assert.equal(w.chat.notices.length, 0, 'no notice');
    assert.equal(w.chat.files.length, 0, 'no upload');
    assert.equal(w.store.getRun(run.id)?.noticeSent, true);
  });

  it('counts the runs of one parent as one against the concurrent-runs limit', async () => {
    await close(w);
    const onePerUser: Policy = {
      ...testPolicy,
      checkLaunch: (_u, _c, _s, active) => (active >= 1 ? 'You already have 1 run going.' : undefined),
    };
    w = await world(w.dir, { policy: onePerUser });
    const trial = (parent: string) =>
      w.hub.runs.launch({
        template: 'sleep',
        params: {},
        options: {},
        user: alice.user,
        channel: alice.channel,
        parent: { kind: 'sweep', id: parent },
        quiet: true,
      });
    assert.ok((await trial('s1')).ok);
    assert.ok((await trial('s1')).ok, 'a second trial of the same sweep');
    assert.deepEqual(await trial('s2'), { ok: false, error: 'You already have 1 run going.' });
    await w.door.command('sleep', alice);
    assert.deepEqual(w.chat.errors(), ['You already have 1 run going.']);
  });

  it('checks a launch without creating anything, leaving out only the concurrent-runs limit', async () => {
    const request = { template: 'sleep', params: {}, options: {}, ...alice };
    const check = await w.hub.runs.check(request);
    assert.ok(check.ok);
    assert.equal(check.spec.template, 'sleep');
    assert.deepEqual(await w.hub.runs.check({ ...request, options: { gpu: '8' } }), {
      ok: false,
      error: 'At most 4 GPUs per run.',
    });
    const unknown = await w.hub.runs.check({ ...request, template: 'sleeep' });
    assert.ok(!unknown.ok);
    assert.match(unknown.error, /Did you mean "sleep"/);
    assert.equal(w.store.listRuns().length, 0);
  });
});
