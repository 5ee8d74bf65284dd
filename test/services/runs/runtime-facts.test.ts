import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { REGISTRY_HINT } from '../../../src/core/run/registry-hint.ts';
import { alice, close, launched, settle, type World, world } from '../../support/hub-world.ts';

describe('RunService: what the runtime means for a run', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-runtime-facts-')), {
      prepare: (runtime) => {
        runtime.leaves = (spec) =>
          spec.resources.gpu ? `No GPUs here: ${spec.resources.gpu} asked.` : undefined;
      },
    });
  });
  afterEach(async () => {
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('records the runtime on the run and what it leaves out, so every card can say so', async () => {
    const plain = await launched(w, 'sleep seconds=5');
    assert.equal(plain.runtime, 'kubernetes');
    assert.equal(plain.runtimeNote, undefined);
    const gpu = await launched(w, 'sleep seconds=5 --gpu 2');
    assert.equal(gpu.runtimeNote, 'No GPUs here: 2 asked.');
    assert.equal(w.chat.cards.at(-1)?.runtimeNote, 'No GPUs here: 2 asked.');
  });

  it('adds the registry hint when a pull found no registry, whichever step reported it', async () => {
    w.runtime.failNextSubmit =
      'The image 127.0.0.1:5999/x:1 could not be pulled: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused.';
    await w.door.command('sleep seconds=5', alice);
    const [failed] = w.store.listRuns();
    await settle(() => w.store.getRun(failed.id)?.state === 'failed');
    assert.ok(
      w.store.getRun(failed.id)?.reason?.endsWith(` ${REGISTRY_HINT}`),
      w.store.getRun(failed.id)?.reason,
    );

    const pending = await launched(w, 'sleep seconds=5');
    w.runtime.report(pending.id, {
      state: 'pending',
      reason:
        'Kubernetes cannot pull the image "ghcr.io/acme/x:1" (ErrImagePull: dial tcp: lookup ghcr.io: no such host); still retrying.',
    });
    assert.ok(w.store.getRun(pending.id)?.reason?.endsWith(` ${REGISTRY_HINT}`));
    assert.ok(w.chat.updates.at(-1)?.reason?.endsWith(` ${REGISTRY_HINT}`), 'the card says it');
  });

  it("leaves a job's own failure alone", async () => {
    const run = await launched(w, 'sleep seconds=5');
    const reason = 'The job exited with code 1: could not reach the database: connection refused.';
    w.runtime.report(run.id, { state: 'failed', reason });
    assert.equal(w.store.getRun(run.id)?.reason, reason);
  });
});
