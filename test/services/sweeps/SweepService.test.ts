import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isEnded } from '../../../src/core/run/run.ts';
import { sentenceText } from '../../../src/core/sentence.ts';
import type { ChartRenderer } from '../../../src/ports/chart-renderer.ts';
import type { GroupEnded } from '../../../src/ports/group-events.ts';
import { alice, bob, close, eventually, settle, type World, world } from '../../support/hub-world.ts';
import {
  current,
  instantBuilder,
  playSweep,
  playTrial,
  startSweep,
  submittedTrials,
  trialIndex,
} from '../../support/sweep-driver.ts';

const lrAcc = (lr: number) => (lr === 0.1 ? 0.9 : lr === 1 ? 0.7 : 0.5);

describe('Sweeps through the hub', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-sweeps-')), { builder: instantBuilder });
  });
  afterEach(async () => {
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('runs every grid point once, at most --parallel at a time, behind one card and one notice', async () => {
    const endedGroups: GroupEnded[] = [];
    w.hub.onGroupEnded((ended) => endedGroups.push(ended));
    const sweep = await startSweep(w, 'sweep demo lr=[0.01,0.1,1] epochs=[2,4] --parallel 2');
    await eventually('the sweep to move on', () => submittedTrials(w).length === 2);
    await settle(() => false, 10);
    assert.equal(submittedTrials(w).length, 2, 'two at a time');
    for (const run of submittedTrials(w)) {
      assert.equal(run.quiet, true);
      assert.deepEqual(run.parent, { kind: 'sweep', id: sweep.id });
      assert.equal(run.labels?.['trainyard.io/sweep'], sweep.id);
      assert.equal(run.annotations?.['trainyard.io/trial'], String(trialIndex(run)));
      assert.equal(run.launchedBy, alice.user);
      assert.equal(run.channel, alice.channel);
    }
    let most = 0;
    w.hub.runs.onRunChanged(() => {
      const going = w.store.listRuns({ active: true }).filter((r) => r.parent?.id === sweep.id).length;
      most = Math.max(most, going);
    });
    const ended = await playSweep(w, sweep.id, (run) =>
      Array.from({ length: Number(run.spec.params.epochs) }, () => lrAcc(Number(run.spec.params.lr))),
    );
    assert.ok(most <= 2, `never more than 2 trials going (saw ${most})`);
    const points = submittedTrials(w).map((r) => `${r.spec.params.lr}/${r.spec.params.epochs}`);
    assert.deepEqual(points.sort(), ['0.01/2', '0.01/4', '0.1/2', '0.1/4', '1/2', '1/4']);
    assert.deepEqual(
      submittedTrials(w)
        .map(trialIndex)
        .sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(ended.state, 'succeeded');
    assert.equal(ended.trials.length, 6);
    const best = ended.trials.find((t) => t.state === 'succeeded' && t.value === 0.9);
    assert.equal(best?.params.lr, 0.1);
    // One card, updated in place; no run cards or notices of the trials; one fan-in notice.
    assert.equal(w.chat.groupCards.length, 1);
    assert.equal(w.chat.cards.length, 0);
    assert.equal(w.chat.notices.length, 0);
    assert.equal(w.chat.groupNotices.length, 1);
    assert.deepEqual(w.chat.groupNotices[0].ref, w.chat.groupCards[0].ref);
    assert.equal(w.chat.groupUpdates.at(-1)?.final, true);
    assert.equal(w.chat.groupUpdates.filter((u) => u.final).length, 1);
    assert.equal((await w.hub.sweeps.whenEnded(sweep.id)).state, 'succeeded');
    // The hook for the fan-in's chart: told once, with the whole sweep and the card's thread.
    assert.equal(endedGroups.length, 1);
    assert.equal(endedGroups[0].card.kind === 'sweep' && endedGroups[0].card.sweep.trials.length, 6);
    assert.deepEqual(endedGroups[0].thread, w.chat.groupCards[0].ref);
    // The trials are runs with numbers: status and logs work on them.
    const trialRun = submittedTrials(w)[0];
    assert.equal((await w.door.command(`status ${trialRun.number}`, alice)).reply?.kind, 'run');
  });

  it('stops every trial and starts no new one when the launcher or an admin stops it', async () => {
    const sweep = await startSweep(w, 'sweep demo lr=[0.01,0.1,1] epochs=[2,4] --parallel 3');
    await eventually('the sweep to move on', () => submittedTrials(w).length === 3);
    for (const run of submittedTrials(w)) w.runtime.report(run.id, { state: 'running' });
    const refused = await w.door.command(`stop ${sweep.number}`, bob);
    assert.equal(refused.reply?.kind, 'error');
    assert.equal(
      sentenceText(refused.reply?.kind === 'error' ? refused.reply.text : '', (id) => `<@${id}>`),
      `Only <@${alice.user}> or an admin can stop sweep #${sweep.number}.`,
    );
    assert.equal(current(w, sweep.id).stopRequest, undefined);
    const stopping = await w.door.command(`stop ${sweep.number}`, alice);
    assert.equal(stopping.reply?.kind, 'info');
    await w.hub.sweeps.whenEnded(sweep.id);
    assert.deepEqual(
      w.runtime.stopped.sort(),
      submittedTrials(w)
        .map((r) => r.id)
        .sort(),
    );
    for (const run of submittedTrials(w)) {
      const stored = w.store.getRun(run.id);
      assert.equal(stored?.state, 'stopped');
      assert.equal(stored?.stoppedBy, alice.user);
      assert.equal(stored?.reason, `sweep #${sweep.number} was stopped`);
    }
    await settle(() => false, 10);
    assert.equal(submittedTrials(w).length, 3, 'no new trial starts');
    const ended = current(w, sweep.id);
    assert.equal(ended.state, 'stopped');
    assert.equal(ended.stopRequest?.by, alice.user);
    assert.equal(ended.trials.length, 3);
    assert.equal(w.chat.groupNotices.length, 1);
    assert.equal((await w.hub.sweeps.whenEnded(sweep.id)).state, 'stopped');
    const again = await w.door.command(`stop ${sweep.number}`, alice);
    assert.match(JSON.stringify(again.reply), /already ended \(stopped\)/);
  });

  it('ends failed with the first failure’s reason when its first three trials all fail', async () => {
    const sweep = await startSweep(w, 'sweep demo lr=[0.01,0.1,1] epochs=[2,4] --parallel 2');
    for (let played = 0; played < 3; ) {
      await eventually('the sweep to move on', () => submittedTrials(w).length > played);
      const run = submittedTrials(w)[played++];
      playTrial(w, run, [0.5], 'failed');
    }
    const ended = await w.hub.sweeps.whenEnded(sweep.id);
    assert.equal(ended.state, 'failed');
    assert.match(
      ended.reason ?? '',
      /its first 3 trials failed, so no more were started \(trial 1: exited with code 1\)/,
    );
    // A fourth may have started while the third ran: it is stopped, and no other starts.
    assert.ok(submittedTrials(w).length <= 4);
    assert.ok(submittedTrials(w).every((r) => isEnded(w.store.getRun(r.id)?.state ?? 'queued')));
    assert.ok(ended.trials.every((t) => isEnded(t.state)));
    assert.ok(ended.trials.length <= 4);
    assert.equal(w.chat.groupNotices.length, 1);
  });

  it('stops a poor trial early by the median rule, naming the rule, its value and the threshold', async () => {
    const sweep = await startSweep(
      w,
      'sweep demo lr=[0.01,0.1,1,2] epochs=[3] --parallel 1 --early-stop median',
    );
    for (let i = 0; i < 3; i++) {
      await eventually('the sweep to move on', () => submittedTrials(w).length > i);
      playTrial(w, submittedTrials(w)[i], [0.8, 0.85, 0.9]);
    }
    await eventually('the sweep to move on', () => submittedTrials(w).length > 3);
    const poor = submittedTrials(w)[3];
    playTrial(w, poor, [0.2], 'running', 3);
    const ended = await w.hub.sweeps.whenEnded(sweep.id);
    const stopped = w.store.getRun(poor.id);
    assert.equal(stopped?.state, 'stopped');
    assert.equal(stopped?.reason, 'stopped early: acc 0.2 at epoch 1 is below the median 0.8 of 3 trials');
    assert.equal(ended.trials[3].stoppedEarly, true);
    assert.equal(ended.state, 'succeeded');
  });

  it('answers status, logs and stop on a sweep’s number, and lists sweeps', async () => {
    const sweep = await startSweep(w, 'sweep demo lr=[0.01,0.1] --parallel 2');
    await eventually('the sweep to move on', () => submittedTrials(w).length === 2);
    assert.deepEqual((await w.door.command(`status ${sweep.number}`, alice)).reply?.kind, 'sweep');
    const none = await w.door.command(`logs #${sweep.number}`, alice);
    assert.match(JSON.stringify(none.reply), /has no succeeded trial yet/);
    const [a, b] = submittedTrials(w);
    playTrial(w, a, [0.6]);
    playTrial(w, b, [0.7]);
    await w.hub.sweeps.whenEnded(sweep.id);
    const logs = await w.door.command(`logs ${sweep.number}`, alice);
    assert.equal(logs.reply?.kind, 'logs');
    assert.equal(logs.reply?.kind === 'logs' && logs.reply.run.id, b.id, 'the best trial’s log');
    const list = await w.door.command('sweeps', alice);
    assert.equal(list.reply?.kind === 'sweeps' && list.reply.sweeps[0].id, sweep.id);
    assert.match(w.chat.errors().join(), /^$/);
    await w.door.command('status 999', alice);
    assert.deepEqual(w.chat.errors(), ['There is no run #999; /train list shows recent runs.']);
  });
});

describe('A sweep’s chart after its fan-in notice', () => {
  it('is drawn once and posted in the card’s thread, with the metric of every trial', async () => {
    const specs: unknown[] = [];
    const renderer: ChartRenderer = {
      render: async (spec) => {
        specs.push(spec);
        return { ok: true, png: Buffer.from('fake-png') };
      },
      close: async () => {},
    };
    const w = await world(mkdtempSync(join(tmpdir(), 'trainyard-sweep-chart-')), {
      builder: instantBuilder,
      charts: renderer,
    });
    try {
      const sweep = await startSweep(w, 'sweep demo lr=[0.01,0.1,1] --parallel 3');
      await playSweep(w, sweep.id, (run) => [lrAcc(Number(run.spec.params.lr))]);
      await w.hub.whenChartsDrawn();
      assert.equal(w.chat.groupNotices.length, 1);
      const card = w.chat.groupCards[0].ref;
      assert.deepEqual(
        w.chat.images.map((i) => [i.where, i.image.filename]),
        [[{ channel: card.channel, thread: card.ts }, `${sweep.id}.png`]],
      );
      assert.equal(specs.length, 1);
      assert.match(JSON.stringify(specs[0]), /best: trial \d, 0\.9/);
      // No chart of any trial: the sweep's speaks for them.
      assert.equal(w.chat.notices.length, 0);
    } finally {
      await close(w);
      rmSync(w.dir, { recursive: true, force: true });
    }
  });
});
