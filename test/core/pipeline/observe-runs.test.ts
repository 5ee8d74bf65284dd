import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observeRuns } from '../../../src/core/pipeline/observe-runs.ts';
import type { Run } from '../../../src/core/run/run.ts';
import { makeRun } from '../../support/make-run.ts';

describe('observeRuns', () => {
  const runs = new Map<string, Run>(
    [
      makeRun({
        id: 'r-ok',
        state: 'succeeded',
        metrics: { loss: 0.25 },
        outputs: { rows: '80', loss: '0.3' },
      }),
      makeRun({ id: 'r-bad', number: 7, state: 'failed', reason: 'The process exited with code 2.' }),
      makeRun({ id: 'r-lost', number: 8, state: 'lost' }),
      makeRun({ id: 'r-stop', number: 9, state: 'stopped', stoppedBy: 'U1' }),
      makeRun({ id: 'r-going', state: 'running' }),
    ].map((r) => [r.id, r]),
  );
  const steps = {
    a: { state: 'running', runId: 'r-ok' },
    b: { state: 'running', runId: 'r-bad' },
    c: { state: 'running', runId: 'r-lost' },
    d: { state: 'running', runId: 'r-stop' },
    e: { state: 'running', runId: 'r-going' },
    f: { state: 'running', runId: 'r-never' },
    g: { state: 'skipped', reason: 'x', cause: { kind: 'pipeline-stopped', by: 'U1' } },
  } as const;

  it('folds every ended run into its step state and finds the runs that were never created', () => {
    const seen = observeRuns(steps, (id) => runs.get(id));
    assert.equal(seen.changed, true);
    assert.deepEqual(seen.steps.a, {
      state: 'succeeded',
      runId: 'r-ok',
      outputs: { loss: '0.3', rows: '80' },
    });
    assert.deepEqual(seen.steps.b, {
      state: 'failed',
      runId: 'r-bad',
      reason: 'The process exited with code 2.',
    });
    assert.deepEqual(seen.steps.c, { state: 'failed', runId: 'r-lost', reason: 'run #8 was lost' });
    assert.deepEqual(seen.steps.d, { state: 'stopped', runId: 'r-stop', reason: 'stopped by @U1' });
    assert.equal(seen.steps.e, steps.e);
    assert.deepEqual(seen.missing, ['f']);
  });

  it('changes nothing when no run ended', () => {
    const going = { e: steps.e };
    const seen = observeRuns(going, (id) => runs.get(id));
    assert.equal(seen.changed, false);
    assert.equal(seen.steps, going);
  });
});
