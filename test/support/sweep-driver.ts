import assert from 'node:assert/strict';
import type { Run } from '../../src/core/run/run.ts';
import type { Sweep } from '../../src/core/sweep/sweep.ts';
import type { ImageBuilder } from '../../src/ports/image-builder.ts';
import { alice, settle, type World } from './hub-world.ts';

/** A builder whose images are always there already (demo has a build section). */
export const instantBuilder: ImageBuilder = {
  async ensureImage(template) {
    return `registry.test/${template}:0123456789ab`;
  },
};

/** The trial index a run was launched for. */
export function trialIndex(run: Run): number {
  assert.equal(run.origin?.kind, 'sweep');
  return run.origin.kind === 'sweep' ? run.origin.trial : 0;
}

/** The trial runs the runtime was handed, in the order it got them. */
export function submittedTrials(w: World, sweepId?: string): Run[] {
  return w.runtime.submitted.filter(
    (r) => r.origin?.kind === 'sweep' && (sweepId === undefined || r.origin.sweepId === sweepId),
  );
}

/** Sends a sweep command that must start a sweep; returns the stored sweep. */
export async function startSweep(w: World, text: string, from = alice): Promise<Sweep> {
  const outcome = await w.door.command(text, from);
  assert.deepEqual(w.chat.errors(), []);
  assert.equal(outcome.groups?.length, 1, 'the command started a sweep');
  const sweep = newestSweep(w);
  assert.ok(sweep);
  return sweep;
}

/** The sweep started last (numbers only grow). */
export function newestSweep(w: Pick<World, 'store'>): Sweep | undefined {
  return w.store.sweeps
    .list()
    .reduce<Sweep | undefined>((a, b) => (a && a.number > b.number ? a : b), undefined);
}

/** The sweep as stored now. */
export function current(w: World, id: string): Sweep {
  const sweep = w.store.sweeps.get(id);
  assert.ok(sweep, `sweep ${id} is stored`);
  return sweep;
}

/** The trial's job runs through its epochs (of `epochs`), printing `acc` at each, and ends `end`. */
export function playTrial(
  w: World,
  run: Run,
  accs: number[],
  end: 'succeeded' | 'failed' | 'running' = 'succeeded',
  epochs = accs.length,
): void {
  w.runtime.report(run.id, { state: 'running' });
  accs.forEach((acc, i) => {
    w.runtime.logs(run.id, [`epoch ${i + 1}/${epochs} loss=${(1 - acc).toFixed(3)} acc=${acc}`]);
  });
  if (end === 'succeeded') w.runtime.report(run.id, { state: 'succeeded', exitCode: 0 });
  if (end === 'failed')
    w.runtime.report(run.id, { state: 'failed', exitCode: 1, reason: 'exited with code 1' });
}

/**
 * Plays every trial the runtime gets, as it gets them, until the sweep has sent its notice:
 * `accsOf` says what each trial prints (by its params).
 */
export async function playSweep(w: World, sweepId: string, accsOf: (run: Run) => number[]): Promise<Sweep> {
  const played = new Set<string>();
  for (let guard = 0; guard < 10_000; guard++) {
    const sweep = current(w, sweepId);
    if (sweep.noticeSent) return sweep;
    const next = submittedTrials(w, sweepId).filter((r) => !played.has(r.id));
    for (const run of next) {
      played.add(run.id);
      playTrial(w, run, accsOf(run));
    }
    await settle(
      () => submittedTrials(w, sweepId).some((r) => !played.has(r.id)) || !!current(w, sweepId).noticeSent,
    );
  }
  assert.fail('the sweep never ended');
}
