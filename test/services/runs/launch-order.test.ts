import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { Run } from '../../../src/core/run/run.ts';
import type { ChatPort } from '../../../src/ports/chat.ts';
import { eventually } from '../../support/eventually.ts';
import { alice, bob, close, type World, type WorldOptions, world } from '../../support/hub-world.ts';

/** What was true when each card was posted. */
interface CardPost {
  runId: string;
  state: Run['state'];
  jobExisted: boolean;
}

describe('launch order: the Job first, then the card, and no launch waits for another', () => {
  let w: World | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    if (w) await close(w);
    w = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function start(opts: WorldOptions = {}): Promise<{ w: World; posts: CardPost[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'trainyard-launch-order-'));
    dirs.push(dir);
    const posts: CardPost[] = [];
    let submittedIds = () => new Set<string>();
    w = await world(dir, {
      ...opts,
      prepare: (runtime) => {
        submittedIds = () => new Set(runtime.submitted.map((r) => r.id));
        opts.prepare?.(runtime);
      },
      chat: (chat) => {
        const post = chat.postRunCard.bind(chat);
        chat.postRunCard = async (run) => {
          posts.push({ runId: run.id, state: run.state, jobExisted: submittedIds().has(run.id) });
          return post(run);
        };
        opts.chat?.(chat);
      },
    });
    return { w, posts };
  }

  it('creates each run’s Job before posting its card, which shows the run pending and needs no update', async () => {
    const { w, posts } = await start({
      prepare: (runtime) => {
        // An API server that takes a moment, as a real one does.
        const submit = runtime.submit.bind(runtime);
        runtime.submit = async (run) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return submit(run);
        };
      },
    });
    for (let i = 0; i < 5; i++) await w.door.command(`sleep seconds=${i + 1}`, i % 2 ? alice : bob);
    await eventually('five cards', () => posts.length === 5);
    assert.deepEqual(
      posts.map((p) => [p.jobExisted, p.state]),
      Array.from({ length: 5 }, () => [true, 'pending']),
    );
    // The card was posted as the run is: nothing to update until the run moves on.
    assert.deepEqual(
      w.chat.updates.filter((u) => u.card),
      [],
    );
  });

  it('posts the card anyway when the Job cannot be created yet, and shows it pending once it is', async () => {
    let release = () => {};
    const { w, posts } = await start({
      prepare: (runtime) => {
        runtime.submitGate = new Promise((resolve) => {
          release = resolve;
        });
      },
    });
    await w.door.command('sleep seconds=5', alice);
    await eventually('the card', () => posts.length === 1);
    assert.deepEqual([posts[0].jobExisted, posts[0].state], [false, 'queued']);
    release();
    const [run] = w.store.listRuns();
    await eventually('the card to show the run pending', () =>
      w.chat.updates.some((u) => u.id === run.id && u.card && u.state === 'pending'),
    );
  });

  it('launches the next run while an earlier one’s Job create hangs', async () => {
    const { w, posts } = await start({
      prepare: (runtime) => {
        const submit = runtime.submit.bind(runtime);
        let first = true;
        runtime.submit = async (run) => {
          if (first) {
            first = false;
            await new Promise(() => {}); // the API server never answers this one
          }
          return submit(run);
        };
      },
    });
    await w.door.command('sleep seconds=100', alice);
    await w.door.command('sleep seconds=5', bob);
    const [second, first] = w.store.listRuns();
    await eventually('the second run’s Job', () => w.runtime.submitted.some((r) => r.id === second.id));
    await eventually('the second run’s card', () => posts.some((p) => p.runId === second.id));
    assert.equal(w.store.getRun(second.id)?.state, 'pending');
    assert.equal(w.store.getRun(first.id)?.state, 'queued');
  });

  it('starts every launch while the chat is busy receiving for good, in the order they came', async () => {
    const { w } = await start({
      chat: (chat) => {
        (chat as ChatPort).inboundBusy = () => true;
      },
    });
    for (let i = 0; i < 5; i++) await w.door.command(`sleep seconds=${i + 1}`, alice);
    await eventually('five Jobs', () => w.runtime.submitted.length === 5);
    assert.deepEqual(
      w.runtime.submitted.map((r) => r.spec.params.seconds),
      [1, 2, 3, 4, 5],
    );
  });
});
