/**
 * kill -9 at every step of a sweep, then a restart over what reached the disk. A kill is the data
 * folder copied as it is on disk at that moment (lock left behind) together with the cluster as it
 * is then (which jobs exist, their state, what they printed); the restarted hub gets both and plays
 * the sweep to its end. Across the two processes: no trial launched twice, no grid point skipped,
 * exactly one fan-in notice.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { Run, RunState } from '../../../src/core/run/run.ts';
import { close, eventually, settle, type World, type WorldOptions, world } from '../../support/hub-world.ts';
import { instantBuilder, startSweep, submittedTrials, trialIndex } from '../../support/sweep-driver.ts';

const COMMAND = 'sweep demo lr=[0.01,0.1] epochs=[2,3] --parallel 2';
const GRID = ['0.01/2', '0.01/3', '0.1/2', '0.1/3'];
const EPOCHS = 2;

interface Job {
  run: Run;
  state: RunState;
  printed: string[];
}

/** What a kill leaves: the data folder as on disk, the cluster, and what the chat had got. */
interface Kill {
  at: string;
  dir: string;
  jobs: Map<string, Job>;
  notices: number;
}

/**
 * What a kill leaves for the next process to read: everything but the lock, and but a store write
 * in flight (its temporary file may be renamed away while the folder is copied; a killed write is
 * never read back anyway).
 */
const leftBehind = (path: string): boolean => !path.endsWith('.lock') && !path.endsWith('.tmp');

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A sweep under a hand-driven cluster, with a kill taken at every step. */
class KilledEverywhere {
  readonly jobs = new Map<string, Job>();
  readonly kills: Kill[] = [];

  constructor(private readonly w: World) {
    const runtime = w.runtime;
    const submit = runtime.submit.bind(runtime);
    // A kill right after each create request: the job exists, the run's placement is not stored yet.
    runtime.submit = async (run) => {
      const placement = await submit(run);
      this.jobs.set(run.id, { run, state: 'pending', printed: [] });
      this.kill(`after creating the job of trial ${trialIndex(run)}`);
      return placement;
    };
  }

  kill(at: string): void {
    const dir = mkdtempSync(join(tmpdir(), 'trainyard-sweep-killed-'));
    dirs.push(dir);
    cpSync(this.w.dir, dir, { recursive: true, filter: leftBehind });
    const jobs = new Map([...this.jobs].map(([id, job]) => [id, { ...job, printed: [...job.printed] }]));
    this.kills.push({ at, dir, jobs, notices: this.w.chat.groupNotices.length });
  }

  /** Moves the cluster on by one step (one job, one change), with a kill after it; false when nothing is left. */
  async step(): Promise<boolean> {
    const { runtime } = this.w;
    const job = [...this.jobs.values()].find((j) => j.state === 'pending' || j.state === 'running');
    if (!job) return false;
    const trial = trialIndex(job.run);
    if (job.state === 'pending') {
      job.state = 'running';
      runtime.report(job.run.id, { state: 'running' });
    } else if (job.printed.length < EPOCHS) {
      const line = `epoch ${job.printed.length + 1}/${EPOCHS} acc=${0.5 + Number(job.run.spec.params.lr)}`;
      job.printed.push(line);
      runtime.print(job.run.id, [line]);
    } else {
      job.state = 'succeeded';
      runtime.report(job.run.id, { state: 'succeeded', exitCode: 0 });
    }
    await settle(() => false, 3);
    this.kill(`after trial ${trial} went ${job.state} (${job.printed.length} lines)`);
    return true;
  }
}

/** The restarted bot over a kill: the cluster's jobs are recovered as they were at the kill. */
async function restartAfter(kill: Kill, opts: WorldOptions): Promise<World> {
  return world(kill.dir, {
    ...opts,
    builder: instantBuilder,
    prepare: (runtime) => {
      for (const [id, job] of kill.jobs) {
        runtime.onRecover.set(id, { state: job.state });
        runtime.printed.set(id, job.printed);
      }
    },
  });
}

/**
 * Plays to success every job of the restarted bot — those the cluster had at the kill and those it
 * creates — until the sweep has reported.
 */
async function finish(w: World, kill: Kill, sweepId: string, why: string): Promise<void> {
  const hasJob = (run: Run) => kill.jobs.has(run.id) || w.runtime.submitted.some((s) => s.id === run.id);
  for (let guard = 0; guard < 500; guard++) {
    if (w.store.sweeps.get(sweepId)?.noticeSent) return;
    for (const run of w.store.listRuns({ active: true })) {
      if (!hasJob(run)) continue;
      w.runtime.report(run.id, { state: 'running' });
      w.runtime.report(run.id, { state: 'succeeded', exitCode: 0 });
    }
    await settle(() => !!w.store.sweeps.get(sweepId)?.noticeSent, 10);
  }
  const sweep = w.store.sweeps.get(sweepId);
  const runs = w.store.listRuns().map((r) => `${r.id}:${r.state}:${r.placement ? 'placed' : '-'}`);
  assert.fail(`${why}: the sweep never reported after the restart: ${JSON.stringify({ sweep, runs })}`);
}

async function killAtEveryStep(opts: WorldOptions): Promise<number> {
  const before = await world(mkdtempSync(join(tmpdir(), 'trainyard-sweep-kill-')), {
    ...opts,
    builder: instantBuilder,
  });
  dirs.push(before.dir);
  const cluster = new KilledEverywhere(before);
  const sweep = await startSweep(before, COMMAND);
  cluster.kill('after the sweep command');
  await eventually('the sweep to move on', () => cluster.jobs.size > 0);
  for (let guard = 0; guard < 200 && (await cluster.step()); guard++) {
    await settle(() => false, 3);
  }
  await before.hub.sweeps.whenEnded(sweep.id);
  cluster.kill('after the notice');
  assert.equal(before.chat.groupNotices.length, 1);
  await close(before);
  assert.ok(cluster.kills.length > 20, `killed at ${cluster.kills.length} steps`);

  let inWindow = 0;
  for (const kill of cluster.kills) {
    // Was the notice out but its record not yet on disk? (The few milliseconds between Slack
    // taking it and the write: a restart then sends it again, as a run's notice would be.)
    const disk = await FileStore.open(kill.dir);
    const recorded = disk.sweeps.get(sweep.id)?.noticeSent === true;
    await disk.close();
    const window = kill.notices === 1 && !recorded;
    if (window) inWindow++;
    const after = await restartAfter(kill, opts);
    try {
      await after.hub.whenResumed();
      const why = `killed ${kill.at}`;
      await finish(after, kill, sweep.id, why);
      // Every job of the cluster belongs to a run the restarted bot knows: none was orphaned.
      for (const id of kill.jobs.keys())
        assert.ok(after.store.getRun(id), `${why}: job of ${id} has its run`);
      const jobs = [...[...kill.jobs.values()].map((j) => j.run), ...submittedTrials(after, sweep.id)];
      const byTrial = new Map<number, Set<string>>();
      for (const run of jobs)
        byTrial.set(trialIndex(run), (byTrial.get(trialIndex(run)) ?? new Set()).add(run.id));
      assert.deepEqual(
        [...byTrial].map(([trial, ids]) => [trial, ids.size]).sort((a, b) => a[0] - b[0]),
        [
          [1, 1],
          [2, 1],
          [3, 1],
          [4, 1],
        ],
        `${why}: one job per trial`,
      );
      assert.equal(new Set(jobs.map((r) => r.id)).size, jobs.length, `${why}: no job created twice`);
      const points = jobs.map((r) => `${r.spec.params.lr}/${r.spec.params.epochs}`).sort();
      assert.deepEqual(points, GRID, `${why}: every grid point once`);
      assert.equal(
        kill.notices + after.chat.groupNotices.length,
        window ? 2 : 1,
        `${why}: exactly one fan-in notice${window ? ', and one more for a kill between sending and recording it' : ''}`,
      );
      const ended = after.store.sweeps.get(sweep.id);
      assert.equal(ended?.state, 'succeeded', why);
      assert.equal(ended?.trials.length, 4, why);
      assert.ok(
        ended?.trials.every((t) => t.state === 'succeeded'),
        why,
      );
    } finally {
      await close(after);
    }
  }
  // The window is one step of the bot at most: the notice goes out once.
  assert.ok(inWindow <= 1, `${inWindow} kills between sending the notice and recording it`);
  return cluster.kills.length;
}

describe('A sweep stopped just before a kill', () => {
  it('asks the cluster once more, after the restart, to stop the trials still going', async () => {
    const before = await world(mkdtempSync(join(tmpdir(), 'trainyard-sweep-stopkill-')), {
      builder: instantBuilder,
    });
    dirs.push(before.dir);
    // A cluster slow to delete: the stop is asked for, but the jobs are still there at the kill.
    before.runtime.stop = async (run) => {
      before.runtime.stopped.push(run.id);
    };
    const sweep = await startSweep(before, COMMAND);
    await eventually('the sweep to move on', () => submittedTrials(before).length === 2);
    for (const run of submittedTrials(before)) before.runtime.report(run.id, { state: 'running' });
    await before.door.command(`stop ${sweep.number}`, { user: 'UADMIN', channel: 'CML' });
    await eventually('the sweep to move on', () => before.runtime.stopped.length === 2);
    await before.store.flush();
    const trials = submittedTrials(before).map((r) => r.id);
    const dir = mkdtempSync(join(tmpdir(), 'trainyard-sweep-stopkilled-'));
    dirs.push(dir);
    cpSync(before.dir, dir, { recursive: true, filter: leftBehind });
    await close(before);

    const after = await world(dir, {
      builder: instantBuilder,
      prepare: (runtime) => {
        for (const id of trials) runtime.onRecover.set(id, { state: 'running' });
      },
    });
    try {
      const ended = await after.hub.sweeps.whenEnded(sweep.id);
      assert.deepEqual(
        after.runtime.stopped.sort(),
        [...trials].sort(),
        'each still-running trial asked once more',
      );
      assert.equal(ended.state, 'stopped');
      for (const id of trials) {
        const run = after.store.getRun(id);
        assert.equal(run?.state, 'stopped');
        assert.equal(run?.stoppedBy, 'UADMIN');
        assert.equal(run?.reason, `sweep #${sweep.number} was stopped`);
      }
      assert.equal(before.chat.groupNotices.length + after.chat.groupNotices.length, 1);
      assert.equal(submittedTrials(after).length, 0, 'no trial started after the stop');
    } finally {
      await close(after);
    }
  });
});

describe('A sweep killed at every step and restarted', { timeout: 120_000 }, () => {
  it('with the store written at its usual pace', async () => {
    assert.ok((await killAtEveryStep({})) > 20);
  });

  it('with the store written only when it must be (before a job is created, after the notice)', async () => {
    assert.ok((await killAtEveryStep({ store: { writeIntervalMs: 60_000 } })) > 20);
  });
});
