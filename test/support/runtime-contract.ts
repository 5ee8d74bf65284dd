/**
 * What every Runtime must do, whatever runs the jobs: one suite, run against the process runtime,
 * the docker runtime (real engine) and the kubernetes runtime (fake API server). Each backend
 * says how to make a job that follows a script, and plays its part where the backend is a fake.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isEnded, type Run, type RunState } from '../../src/core/run/run.ts';
import type { Runtime } from '../../src/ports/runtime.ts';
import { RecordingSink } from './recording-sink.ts';

/** What a job does. */
export type JobScript =
  /** Prints the lines, then exits with the code. */
  | { kind: 'finite'; lines: string[]; exitCode: number }
  /** Prints `before`, waits for `release()`, prints `after` and exits with the code. */
  | { kind: 'gated'; before: string[]; after: string[]; exitCode: number }
  /** Prints `tick 1`, `tick 2`, … every few milliseconds until it is stopped. */
  | { kind: 'ticker' };

export interface ContractBackend {
  /** The backend keeps jobs running while the bot restarts (false for local processes). */
  readonly survivesRestart: boolean;
  /** A new runtime on the backend: a new one per call, as after a restart of the bot. */
  newRuntime(): Runtime;
  /** A run (not yet submitted) whose job follows the script. */
  job(script: JobScript): Run;
  /** Plays the backend's part once the run is submitted (the fake cluster's kubelet); real backends do nothing. */
  play(run: Run, script: JobScript): Promise<void>;
  /** Lets a gated job go on. */
  release(run: Run): Promise<void>;
  /** Resolves once the job has ended on the backend, with no runtime watching. */
  endedOnBackend(run: Run): Promise<void>;
  /** Resolves once the backend holds the line in the job's log (printed whether or not a runtime watches). */
  printed(run: Run, line: string): Promise<void>;
  close(): Promise<void>;
}

const RANK: Record<RunState, number> = {
  queued: 0,
  building: 1,
  pending: 2,
  running: 3,
  succeeded: 4,
  failed: 4,
  stopped: 4,
  lost: 4,
};

/** States only move forward, and nothing follows an end. */
function assertLifecycle(states: string[]): void {
  const ranks = states.map((s) => RANK[s as RunState]);
  assert.deepEqual(
    ranks,
    [...ranks].sort((a, b) => a - b),
    `states out of order: ${states.join(' → ')}`,
  );
  assert.ok(states.filter((s) => isEnded(s as RunState)).length <= 1, `more than one end: ${states}`);
}

const ticks = (lines: string[]) => lines.filter((l) => l.startsWith('tick '));

/** Asserts `lines` are tick 1, tick 2, … with none missing and none twice. */
function assertTicks(lines: string[]): void {
  assert.deepEqual(
    lines,
    lines.map((_, i) => `tick ${i + 1}`),
    'every tick once, in order',
  );
}

export function describeRuntimeContract(
  name: string,
  makeBackend: () => Promise<ContractBackend>,
  options: { skip?: string | false } = {},
): void {
  describe(`Runtime contract: ${name}`, { skip: options.skip }, () => {
    let backend: ContractBackend;
    const runtimes: Runtime[] = [];
    before(async () => {
      backend = await makeBackend();
    });
    after(async () => {
      for (const runtime of runtimes) await runtime.close();
      await backend?.close();
    });

    async function started(): Promise<{ runtime: Runtime; sink: RecordingSink }> {
      const runtime = backend.newRuntime();
      runtimes.push(runtime);
      const sink = new RecordingSink();
      await runtime.start(sink);
      await runtime.whenSynced();
      return { runtime, sink };
    }

    async function launch(runtime: Runtime, script: JobScript): Promise<Run> {
      const run = backend.job(script);
      const placement = await runtime.submit(run);
      const placed: Run = { ...run, placement, state: 'pending' };
      void backend.play(placed, script);
      return placed;
    }

    it('whenSynced resolves once started, and the runtime is then ready', async () => {
      const { runtime } = await started();
      assert.equal(runtime.ready(), true);
      await runtime.close();
    });

    it('a job that exits 0 is reported running, then succeeded with exit code 0, its lines in order', async () => {
      const { runtime, sink } = await started();
      const lines = ['epoch 1/2 loss=0.5', 'epoch 2/2 loss=0.25', 'done'];
      const run = await launch(runtime, { kind: 'finite', lines, exitCode: 0 });
      await sink.ended(run.id);
      const states = sink.statesOf(run.id);
      assertLifecycle(states);
      assert.deepEqual(states.slice(-2), ['running', 'succeeded']);
      assert.equal(sink.last(run.id)?.exitCode, 0);
      assert.deepEqual(sink.linesOf(run.id), lines, 'every line once, in order, before the end');
      if (backend.survivesRestart) assert.equal(sink.uncursored, 0, 'every delivery carries a cursor');
      await runtime.close();
    });

    it('a job that exits non-zero fails with its exit code and a reason that names it', async () => {
      const { runtime, sink } = await started();
      const run = await launch(runtime, { kind: 'finite', lines: ['bad lr'], exitCode: 3 });
      await sink.ended(run.id);
      assertLifecycle(sink.statesOf(run.id));
      const end = sink.last(run.id);
      assert.equal(end?.state, 'failed');
      assert.equal(end?.exitCode, 3);
      assert.match(end?.reason ?? '', /code 3/);
      assert.deepEqual(sink.linesOf(run.id), ['bad lr']);
      await runtime.close();
    });

    it('stop ends a running job as stopped', async () => {
      const { runtime, sink } = await started();
      const run = await launch(runtime, { kind: 'ticker' });
      await sink.untilLine(run.id, 'tick 2');
      await runtime.stop(run);
      await sink.ended(run.id);
      assertLifecycle(sink.statesOf(run.id));
      assert.equal(sink.last(run.id)?.state, 'stopped');
      assertTicks(ticks(sink.linesOf(run.id)));
      await runtime.close();
    });

    it('stopping a run it never had is harmless: the run ends stopped', async () => {
      const { runtime, sink } = await started();
      const run: Run = { ...backend.job({ kind: 'finite', lines: [], exitCode: 0 }), state: 'queued' };
      await runtime.stop(run);
      await sink.ended(run.id);
      assert.deepEqual(sink.statesOf(run.id), ['stopped']);
      await runtime.close();
    });

    it('submitting the same run twice runs one job', async () => {
      const { runtime, sink } = await started();
      const run = await launch(runtime, { kind: 'ticker' });
      const again = await runtime.submit(run);
      assert.deepEqual(again, run.placement);
      await sink.untilLine(run.id, 'tick 3');
      await runtime.stop(run);
      await sink.ended(run.id);
      // A second job would have printed its own tick 1, 2, 3 … among these.
      assertTicks(ticks(sink.linesOf(run.id)));
      await runtime.close();
    });

    it('cannotHonour and submit agree: what it cannot honour, it refuses with that sentence', async () => {
      const { runtime } = await started();
      const run = backend.job({ kind: 'finite', lines: ['hi'], exitCode: 0 });
      run.spec.job.secretEnv = { HF_TOKEN: { secret: 'hf', key: 'token' } };
      const refusal = runtime.cannotHonour(run.spec);
      if (refusal === undefined) {
        assert.equal(runtime.kind, 'kubernetes', 'only a cluster has Secrets');
      } else {
        assert.match(refusal, /^Template \S+ uses job\.secretEnv, which .* cannot honour .*\.$/);
        await assert.rejects(runtime.submit(run), { message: refusal });
      }
      await runtime.close();
    });

    it('after a restart the log of a live run goes on from its cursor: none repeated, none lost', async (t) => {
      if (!backend.survivesRestart) return t.skip('its jobs end with the bot');
      const first = await started();
      const run = await launch(first.runtime, { kind: 'ticker' });
      await first.sink.untilLine(run.id, 'tick 3');
      await first.runtime.close();
      const before = first.sink.linesOf(run.id);
      // Lines printed while no runtime watches must arrive after the restart, and only they.
      await backend.printed(run, `tick ${before.length + 3}`);
      const next = await started();
      await next.runtime.recover([{ ...run, state: 'running', logCursor: first.sink.cursors.get(run.id) }]);
      await next.sink.untilLine(run.id, `tick ${before.length + 5}`);
      await next.runtime.stop(run);
      await next.sink.ended(run.id);
      assert.equal(next.sink.last(run.id)?.state, 'stopped');
      assertTicks(ticks([...before, ...next.sink.linesOf(run.id)]));
      assert.equal(first.sink.uncursored + next.sink.uncursored, 0, 'every delivery carries a cursor');
      await next.runtime.close();
    });

    it('a runtime that did not create a job finds it on a second submit instead of making another', async (t) => {
      if (!backend.survivesRestart) return t.skip('its jobs end with the bot');
      const first = await started();
      const run = await launch(first.runtime, { kind: 'ticker' });
      await first.sink.untilLine(run.id, 'tick 2');
      await first.runtime.close();
      const before = first.sink.linesOf(run.id);
      // After a restart, a run whose placement was never stored is submitted again.
      const next = await started();
      const again = await next.runtime.submit({ ...run, logCursor: first.sink.cursors.get(run.id) });
      assert.deepEqual(again, run.placement);
      await next.sink.untilLine(run.id, `tick ${before.length + 2}`);
      await next.runtime.stop(run);
      await next.sink.ended(run.id);
      assert.equal(next.sink.last(run.id)?.state, 'stopped');
      assertTicks(ticks([...before, ...next.sink.linesOf(run.id)]));
      await next.runtime.close();
    });

    it('recover re-attaches to a live run, reports one that ended while down, marks a missing one lost', async (t) => {
      if (!backend.survivesRestart) return t.skip('its jobs end with the bot');
      const first = await started();
      const live = await launch(first.runtime, { kind: 'ticker' });
      const gated: JobScript = { kind: 'gated', before: ['first'], after: ['second'], exitCode: 4 };
      const ending = await launch(first.runtime, gated);
      await first.sink.untilLine(ending.id, 'first');
      await first.sink.untilLine(live.id, 'tick 1');
      await first.runtime.close();
      await backend.release(ending);
      await backend.endedOnBackend(ending);
      const missing: Run = {
        ...backend.job({ kind: 'finite', lines: [], exitCode: 0 }),
        placement: { handle: 'gone' },
        state: 'running',
      };
      const neverPlaced: Run = {
        ...backend.job({ kind: 'finite', lines: [], exitCode: 0 }),
        state: 'building',
      };
      const cursor = (run: Run) => ({
        ...run,
        state: 'running' as const,
        logCursor: first.sink.cursors.get(run.id),
      });

      const next = await started();
      await next.runtime.recover([cursor(live), cursor(ending), missing, neverPlaced]);
      await next.sink.ended(ending.id);
      assert.equal(next.sink.last(ending.id)?.state, 'failed');
      assert.equal(next.sink.last(ending.id)?.exitCode, 4);
      assert.deepEqual(next.sink.linesOf(ending.id), ['second'], 'the rest of its log, before its end');
      await next.sink.untilState(missing.id, 'lost');
      assert.deepEqual(
        next.sink.statesOf(neverPlaced.id),
        [],
        'a run that never reached the backend is left alone',
      );
      const liveCount = first.sink.linesOf(live.id).length;
      await next.sink.untilLine(live.id, `tick ${liveCount + 2}`);
      assert.ok(!next.sink.statesOf(live.id).some((s) => isEnded(s as RunState)), 'the live run goes on');
      await next.runtime.stop(live);
      await next.sink.ended(live.id);
      assert.equal(next.sink.last(live.id)?.state, 'stopped');
      assertTicks(ticks([...first.sink.linesOf(live.id), ...next.sink.linesOf(live.id)]));
      await next.runtime.close();
    });

    it('recover after a restart accounts for every run in flight (lost where jobs end with the bot)', async (t) => {
      if (backend.survivesRestart) return t.skip('covered by the re-attach case');
      const { runtime, sink } = await started();
      const run: Run = {
        ...backend.job({ kind: 'ticker' }),
        placement: { handle: 'pid 1' },
        state: 'running',
      };
      await runtime.recover([run]);
      await sink.ended(run.id);
      assert.equal(sink.last(run.id)?.state, 'lost');
      await runtime.close();
    });
  });
}
