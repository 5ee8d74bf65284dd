import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { close, launched, restart, type World, world } from '../../support/hub-world.ts';
import { parseMetrics } from '../../support/prometheus-text.ts';

/** The `trainyard_runs` series as a state → value map, as a scraper reads it. */
async function runsGauge(w: World): Promise<Record<string, number>> {
  const family = parseMetrics(await w.metrics.render()).get('trainyard_runs');
  return Object.fromEntries((family?.metrics ?? []).map((m) => [m.labels?.state, Number(m.value)]));
}

describe('trainyard_runs: the runs under way, by state', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-runs-gauge-')));
  });
  afterEach(async () => {
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('counts runs that have not ended and leaves ended ones out, also after a restart', async () => {
    const running = await launched(w, 'sleep seconds=100');
    w.runtime.report(running.id, { state: 'running' });
    await launched(w, 'sleep seconds=100');
    for (const state of ['succeeded', 'failed', 'stopped'] as const) {
      const run = await launched(w, 'sleep seconds=100');
      const ended = w.hub.runs.whenEnded(run.id);
      w.runtime.report(run.id, { state, exitCode: state === 'failed' ? 1 : 0 });
      await ended;
    }
    // The live store still holds the three ended runs (the newest finished stay live), but a
    // gauge of them would only count whatever the store happens to keep live, not runs under way.
    assert.equal(w.store.listRuns().length, 5);
    const expected = { queued: 0, building: 0, pending: 1, running: 1 };
    assert.deepEqual(await runsGauge(w), expected);

    w = await restart(w);
    assert.deepEqual(await runsGauge(w), expected);
  });
});
