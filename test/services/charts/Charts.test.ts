import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ChartSize, ChartSpec } from '../../../src/core/chart/chart-spec.ts';
import type { Sweep } from '../../../src/core/sweep/sweep.ts';
import type { ChartRenderer, ChartResult } from '../../../src/ports/chart-renderer.ts';
import type { ImageBuilder } from '../../../src/ports/image-builder.ts';
import { bestText } from '../../../src/views/sweep-format.ts';
import { eventually } from '../../support/eventually.ts';
import { alice, close, launched, type World, world } from '../../support/hub-world.ts';

/** A renderer that answers as told and remembers what it was asked to draw. */
class FakeRenderer implements ChartRenderer {
  readonly specs: ChartSpec[] = [];
  /** What render answers; a promise that never settles is a renderer that hangs. */
  answer: () => Promise<ChartResult> = async () => ({ ok: true, png: Buffer.from('fake-png') });
  render(spec: ChartSpec, _size?: ChartSize): Promise<ChartResult> {
    this.specs.push(spec);
    return this.answer();
  }
  async close(): Promise<void> {}
}

/** demo has a build section: its image is there at once. */
const prebuilt: ImageBuilder = { ensureImage: async (template) => `registry.test/${template}:0123456789ab` };

/** The data points of a run chart spec's line layer, per metric. */
function pointsOf(spec: ChartSpec): Map<string, number> {
  const layer = (spec.layer as { data: { values: { metric: string }[] } }[])[0];
  const counts = new Map<string, number>();
  for (const row of layer.data.values) counts.set(row.metric, (counts.get(row.metric) ?? 0) + 1);
  return counts;
}

describe('Charts: a finished run’s chart after its notice, and /train chart (issue 14)', () => {
  let w: World;
  let dir: string;
  let renderer: FakeRenderer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trainyard-charts-'));
    renderer = new FakeRenderer();
    w = await world(dir, { charts: renderer, builder: prebuilt });
  });
  afterEach(async () => {
    await close(w);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Launches demo, logs `epochs` metric lines and ends it. */
  async function runWith(epochs: number, state: 'succeeded' | 'failed' = 'succeeded') {
    const run = await launched(w, `demo epochs=${epochs}`);
    w.runtime.report(run.id, { state: 'running' });
    w.runtime.logs(
      run.id,
      Array.from(
        { length: epochs },
        (_, i) => `epoch ${i + 1}/${epochs} loss=${(1 / (i + 1)).toFixed(4)} acc=${(i / epochs).toFixed(3)}`,
      ),
    );
    w.runtime.report(run.id, { state });
    return w.hub.runs.whenEnded(run.id);
  }

  it('posts the chart in the card’s thread after the notice, drawn from the whole history the run ended with', async () => {
    const run = await runWith(120);
    await w.hub.whenChartsDrawn();
    assert.equal(w.chat.notices.length, 1);
    assert.equal(w.chat.images.length, 1);
    const [{ where, image }] = w.chat.images;
    assert.deepEqual(where, { channel: alice.channel, thread: `ts-${run.number}` });
    assert.equal(image.filename, `${run.id}.png`);
    assert.equal(image.title, `Chart of run #${run.number} (demo)`);
    // The store keeps 30 samples of a finished run; the chart has every point the run ended with.
    assert.ok(((await w.store.loadRun(run.id))?.history.length ?? 0) <= 30);
    assert.deepEqual(
      pointsOf(renderer.specs[0]),
      new Map([
        ['acc', 120],
        ['loss', 120],
      ]),
    );
    // The template's objective (demo: acc, max) is marked.
    assert.match(JSON.stringify(renderer.specs[0]), /best acc 0\.992 at epoch 120/);
  });

  it('never delays the notice: a renderer that hangs leaves the notice and whenEnded alone', async () => {
    renderer.answer = () => new Promise(() => {});
    const run = await runWith(5);
    assert.equal(w.chat.notices.length, 1);
    assert.equal(run.noticeSent, true);
    assert.equal(w.chat.images.length, 0);
  });

  it('skips a chart that cannot be drawn, saying why to the chat (the console shows it)', async () => {
    renderer.answer = async () => ({ ok: false, reason: 'drawing the chart took longer than 10000 ms' });
    const run = await runWith(5, 'failed');
    await w.hub.whenChartsDrawn();
    assert.deepEqual(w.chat.skippedImages, [
      {
        where: { channel: alice.channel, thread: `ts-${run.number}` },
        title: `Chart of run #${run.number} (demo)`,
        reason: 'drawing the chart took longer than 10000 ms',
      },
    ]);
  });

  it('draws nothing for a run with fewer than 3 points', async () => {
    await runWith(2);
    await w.hub.whenChartsDrawn();
    assert.equal(renderer.specs.length, 0);
  });

  it('/train chart answers with the picture, or why there is none', async () => {
    const run = await runWith(4);
    const bare = await launched(w, 'demo');
    await w.hub.whenChartsDrawn();
    const outcome = await w.door.command(`chart ${run.number}`, alice);
    assert.equal(outcome.reply?.kind, 'chart');
    assert.equal(w.chat.images.length, 2);

    renderer.answer = async () => ({ ok: false, reason: '20 charts are already waiting to be drawn' });
    await w.door.command(`chart ${run.id}`, alice);
    assert.deepEqual(
      w.chat.errors().at(-1),
      `The chart of run #${run.number} could not be drawn: 20 charts are already waiting to be drawn.`,
    );

    await w.door.command(`chart ${bare.number}`, alice);
    assert.match(
      w.chat.errors().at(-1) ?? '',
      /has reported no metrics so far; a chart needs at least 3 points/,
    );
  });

  it('posts a sweep’s chart of its metric per trial where its fan-in notice went (the sweeps hook)', async () => {
    const sweep = {
      id: 's-abcdefghij',
      number: 57,
      template: 'demo',
      launchedBy: alice.user,
      channel: alice.channel,
      createdAt: '2026-12-01T10:00:00.000Z',
      state: 'succeeded' as const,
      definition: { metric: 'acc', goal: 'max' as const } as Sweep['definition'],
      trials: [
        { index: 1, params: {}, state: 'succeeded' as const, value: 0.8 },
        { index: 2, params: {}, state: 'succeeded' as const, value: 0.93 },
        { index: 3, params: {}, state: 'failed' as const },
      ],
    };
    w.hub.charts?.afterGroupNotice({ channel: 'CML', ts: 'group-1' }, 'CML', { kind: 'sweep', sweep });
    // Without a card the chart goes to the channel; a sweep without values, or a pipeline, has none.
    w.hub.charts?.afterGroupNotice(undefined, 'CML', {
      kind: 'sweep',
      sweep: { ...sweep, id: 's-nocard0000' },
    });
    w.hub.charts?.afterGroupNotice(undefined, 'CML', { kind: 'sweep', sweep: { ...sweep, trials: [] } });
    await w.hub.whenChartsDrawn();
    assert.deepEqual(
      w.chat.images.map((i) => [i.where, i.image.filename]),
      [
        [{ channel: 'CML', thread: 'group-1' }, 's-abcdefghij.png'],
        [{ channel: 'CML' }, 's-nocard0000.png'],
      ],
    );
    assert.equal(w.chat.images[0].image.title, 'Chart of sweep #57 (demo): acc per trial');
    assert.equal(
      w.chat.images[0].image.altText,
      'acc of 2 trials of sweep #57 demo, higher is better; best: trial 2, 0.93.',
    );
    assert.match(JSON.stringify(renderer.specs[0]), /best: trial 2, 0\.93 · 1 trial without a value/);
  });

  it('marks the same best trial as the sweep card and notice: a trial stopped early never is, however good', async () => {
    const sweep: Sweep = {
      id: 's-stoppedbst',
      number: 58,
      template: 'demo',
      launchedBy: alice.user,
      channel: alice.channel,
      createdAt: '2026-12-01T10:00:00.000Z',
      state: 'succeeded',
      definition: { metric: 'loss', goal: 'min' } as Sweep['definition'],
      trials: [
        { index: 1, params: {}, state: 'succeeded', value: 0.5 },
        // Its value is from before it was pruned: lower, but no finished result.
        { index: 2, params: {}, state: 'stopped', value: 0.2 },
        { index: 3, params: {}, state: 'succeeded', value: 0.4 },
      ],
    };
    assert.equal(bestText(sweep), 'trial 3 loss 0.4', 'what the card says');
    w.hub.charts?.afterGroupNotice(undefined, 'CML', { kind: 'sweep', sweep });
    await w.hub.whenChartsDrawn();
    const layers = renderer.specs[0].layer as { data: { values: { x: number }[] } }[];
    assert.deepEqual(
      layers[1].data.values.map((v) => v.x),
      [3],
      'the marker is on trial 3',
    );
    assert.match(JSON.stringify(renderer.specs[0]), /best: trial 3, 0\.4/);
    assert.match(w.chat.images[0].image.altText, /; best: trial 3, 0\.4\.$/);
  });
});

describe('Charts without a renderer', () => {
  it('/train chart says it is not available, and finished runs simply have no chart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainyard-nocharts-'));
    const w = await world(dir);
    try {
      await w.door.command('chart 1', alice);
      assert.deepEqual(w.chat.errors(), ['/train chart is not available here.']);
      await eventually('nothing', () => true);
    } finally {
      await close(w);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
