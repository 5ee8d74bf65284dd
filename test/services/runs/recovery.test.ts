import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { BuildSpec } from '../../../src/core/run/run.ts';
import type { BuildProgress, ImageBuilder } from '../../../src/ports/image-builder.ts';
import {
  alice,
  close,
  eventually,
  launched,
  restart,
  settle,
  type World,
  world,
} from '../../support/hub-world.ts';

/** An image builder that takes as long as the test says: each build waits for release(). */
class SlowBuilder implements ImageBuilder {
  readonly builds: string[] = [];
  private releases: (() => void)[] = [];
  async ensureImage(
    template: string,
    _build: BuildSpec,
    onProgress: (p: BuildProgress) => void,
  ): Promise<string> {
    this.builds.push(template);
    onProgress({ step: 1, totalSteps: 3, line: 'Step 1/3 : FROM scratch' });
    await new Promise<void>((resolve) => this.releases.push(resolve));
    return `registry.test/${template}:0123456789ab`;
  }
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
}

describe('Recovery after a restart', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-recovery-')));
  });
  afterEach(async () => {
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('finishes runs that ended while it was down and marks missing ones lost', async () => {
    const done = await launched(w, 'sleep seconds=5');
    const gone = await launched(w, 'sleep seconds=5');
    const alive = await launched(w, 'sleep seconds=5');
    w.runtime.report(done.id, { state: 'running' });
    w = await restart(w, {
      prepare: (runtime) => {
        runtime.onRecover.set(done.id, { state: 'succeeded', exitCode: 0 });
        runtime.onRecover.set(gone.id, {
          state: 'lost',
          reason: 'its Job was deleted while Trainyard was down',
        });
      },
    });
    assert.deepEqual(w.runtime.recovered.map((r) => r.id).sort(), [done.id, gone.id, alive.id].sort());
    await w.hub.runs.whenEnded(done.id);
    await w.hub.runs.whenEnded(gone.id);
    assert.equal(w.chat.notices.length, 2);
    assert.equal(w.store.getRun(alive.id)?.state, 'pending');
    assert.equal(w.runtime.submitted.length, 0, 'nothing is launched twice');
  });

  it('starts a run that never reached the runtime, once, and only after the runtime synced', async () => {
    const queued = { ...(await launched(w, 'sleep seconds=5')), id: 'r-interrupt0', number: 99 };
    const { placement: _dropped, card: _noCard, ...neverSubmitted } = queued;
    w.store.saveRun({ ...neverSubmitted, state: 'queued' });
    w = await restart(w, { prepare: (runtime) => (runtime.synced = false) });
    await settle(() => w.runtime.submitted.length > 0);
    assert.equal(w.runtime.submitted.length, 0, 'nothing starts before the runtime synced');
    assert.equal(w.hub.ready(), false, '/readyz waits for the resume pass');
    w.runtime.syncNow();
    await w.hub.whenResumed();
    assert.equal(w.hub.ready(), true);
    await eventually('the runtime to get it', () => w.runtime.submitted.length > 0);
    assert.deepEqual(
      w.runtime.submitted.map((r) => r.id),
      ['r-interrupt0'],
    );
    assert.equal(w.store.getRun('r-interrupt0')?.state, 'pending');
    assert.equal(w.chat.cards.length, 1, 'the card it never got is posted');
  });

  it('never starts a second time a run this process created while the runtime was still syncing', async () => {
    w = await restart(w, { prepare: (runtime) => (runtime.synced = false) });
    // Job creation is slow: the runs have no placement yet when the runtime syncs.
    let release = () => {};
    w.runtime.submitGate = new Promise((resolve) => {
      release = resolve;
    });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => w.door.command(`sleep seconds=${i + 1}`, alice, `burst-${i}`)),
    );
    assert.equal(outcomes.flatMap((o) => o.started).length, 20);
    w.runtime.syncNow();
    await w.hub.whenResumed();
    release();
    await eventually('the runtime to get it', () => w.runtime.submitted.length >= 20);
    await settle(() => false, 20);
    const submitted = w.runtime.submitted.map((r) => r.id);
    assert.equal(submitted.length, 20);
    assert.equal(new Set(submitted).size, 20, 'no run was submitted twice');
  });

  it('never builds or submits twice a build template launched right after start', async () => {
    const builder = new SlowBuilder();
    await close(w);
    w = await world(w.dir, { builder, prepare: (runtime) => (runtime.synced = false) });
    await w.door.command('demo epochs=2', alice);
    const [run] = w.store.listRuns();
    await eventually('the runtime to get it', () => builder.builds.length > 0);
    assert.equal(w.store.getRun(run.id)?.state, 'building');
    w.runtime.syncNow();
    await w.hub.whenResumed();
    builder.release();
    await eventually('the runtime to get it', () => w.runtime.submitted.length > 0);
    await settle(() => false, 20);
    assert.deepEqual(builder.builds, ['demo']);
    assert.deepEqual(
      w.runtime.submitted.map((r) => [r.id, r.spec.image]),
      [[run.id, 'registry.test/demo:0123456789ab']],
    );
  });
});
