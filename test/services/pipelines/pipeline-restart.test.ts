/**
 * A pipeline survives restarts like runs do: killed (kill -9: the data folder as it is on disk,
 * the lock left behind) between every two steps, the bot comes back, re-decides from what it
 * stored and from what the cluster says, starts every step once and forgets none. The cluster
 * here outlives the bots: a Job created by a bot that was killed before it wrote the run down is
 * found again by the run's id, as the Kubernetes runtime finds it by name.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { Run, RuntimeUpdate } from '../../../src/core/run/run.ts';
import type { Placement } from '../../../src/ports/runtime.ts';
import { eventually } from '../../support/eventually.ts';
import { FakeRuntime } from '../../support/fake-runtime.ts';
import { close, settle, type World, type WorldOptions, world } from '../../support/hub-world.ts';
import { DEMO_LINES, instantBuilder, keyOf, launchDemo } from './pipeline-world.ts';

interface Job {
  key: string;
  submits: number;
  lines: string[];
  end?: RuntimeUpdate;
}

/** The jobs of a cluster that every bot in the test talks to, by run id. */
class Cluster {
  readonly jobs = new Map<string, Job>();

  jobOf(key: string): [string, Job][] {
    return [...this.jobs].filter(([, job]) => job.key === key);
  }

  /** The world's runtime, connected to this cluster: what it submits lands here. */
  runtimeFor(): FakeRuntime {
    const cluster = this;
    class ClusterRuntime extends FakeRuntime {
      override async submit(run: Run): Promise<Placement> {
        const placement = await super.submit(run);
        const job = cluster.jobs.get(run.id) ?? { key: keyOf(run), submits: 0, lines: [] };
        job.submits++;
        cluster.jobs.set(run.id, job);
        // A Job that ended while its run was not written down: found again, its end reported.
        const { end } = job;
        if (end) {
          setImmediate(() => {
            this.print(run.id, job.lines);
            this.report(run.id, end);
          });
        }
        return placement;
      }
    }
    const runtime = new ClusterRuntime();
    for (const [runId, job] of this.jobs) {
      runtime.printed.set(runId, job.lines);
      if (job.end) runtime.onRecover.set(runId, job.end);
    }
    return runtime;
  }
}

/**
 * The data folder as a kill -9 leaves it: what reached the disk, and a lock whose process is gone.
 * Copied between two writes of the store: a copy taken while one is under way would mix files
 * from before and after it (e.g. runs moved to history on one side and gone from the live file
 * on the other), a state no kill leaves.
 */
async function killedCopy(w: World): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'trainyard-pipeline-killed-'));
  await w.store.writesSettled();
  cpSync(w.dir, dir, { recursive: true, filter: (path) => !path.endsWith('.lock') });
  return dir;
}

describe('A pipeline killed between every two steps', () => {
  const dirs: string[] = [];
  const open: World[] = [];
  afterEach(async () => {
    for (const w of open.splice(0)) await close(w).catch(() => {});
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  for (const when of ['right after a step ended', 'once the next steps were decided'] as const) {
    it(`starts each step once and forgets none, killed ${when}`, async () => {
      const cluster = new Cluster();
      const options = (): WorldOptions => ({
        builder: instantBuilder,
        // The real file store, writing as it does (at most every 50 ms).
        runtime: cluster.runtimeFor(),
      });
      let w = await world(mkdtempSync(join(tmpdir(), 'trainyard-pipeline-restart-')), options());
      dirs.push(w.dir);
      open.push(w);
      const { record: launched } = await launchDemo(w);
      await w.store.flush();

      for (const key of ['prep', 'train#1', 'train#2', 'train#3', 'eval']) {
        await eventually(`a job for ${key}`, () => cluster.jobOf(key).length > 0);
        const [[runId, job]] = cluster.jobOf(key);
        job.lines = DEMO_LINES[key];
        job.end = { state: 'succeeded', exitCode: 0 };
        // The bot that is up sees the job end, if it knows the run.
        if (w.store.getRun(runId)) {
          w.runtime.report(runId, { state: 'running' });
          w.runtime.print(runId, job.lines);
          w.runtime.report(runId, job.end);
        }
        if (when === 'once the next steps were decided') {
          await settle(() => false, 50);
          await w.store.flush();
        }
        const dir = await killedCopy(w);
        dirs.push(dir);
        await close(w);
        open.splice(open.indexOf(w), 1);
        w = await world(dir, options());
        open.push(w);
        await w.hub.whenResumed();
      }

      await eventually('the pipeline to end', () => w.store.pipelines.get(launched.id)?.noticeSent === true);
      const ended = w.store.pipelines.get(launched.id);
      assert.deepEqual(ended?.end, { state: 'succeeded' });
      for (const key of ['prep', 'train#1', 'train#2', 'train#3', 'eval']) {
        assert.equal(cluster.jobOf(key).length, 1, `one job for ${key}`);
      }
      assert.equal(cluster.jobs.size, 5, 'no step ran twice');
      if (when === 'once the next steps were decided') {
        // With every decision on disk, not even a second create request is sent.
        assert.deepEqual(
          [...cluster.jobs.values()].map((j) => j.submits),
          [1, 1, 1, 1, 1],
        );
      }
      const evalRun = w.store.getRun(cluster.jobOf('eval')[0][0]);
      assert.equal(evalRun?.spec.params.weights, '2,2,2', 'outputs passed on across restarts');
      assert.equal(evalRun?.spec.params.expected_rows, 20);
    });
  }
});
