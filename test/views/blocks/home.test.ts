import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS } from '../../../src/core/actions.ts';
import type { Run, RunState } from '../../../src/core/run/run.ts';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import { HOME_LIMITS, type HomeInput, renderHome } from '../../../src/views/blocks/home.ts';
import { renderRunCard } from '../../../src/views/blocks/run-card.ts';
import { assertSafeView } from '../../support/view-checks.ts';
import { makeRun } from './fixtures.ts';
import { makeTemplate } from './view-fixtures.ts';

const NOW = new Date('2026-11-28T10:03:10.000Z');

function schedule(name: string, extra: Partial<Schedule> = {}): Schedule {
  return {
    name,
    cron: '0 2 * * *',
    timezone: 'UTC',
    template: 'resnet',
    params: { epochs: '5' },
    options: {},
    policy: 'forbid',
    channel: 'C1',
    owner: 'U7',
    paused: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    startingDeadlineSeconds: 300,
    ...extra,
  };
}

function ended(i: number, state: RunState = 'succeeded'): Run {
  return makeRun({
    id: `r-done${String(i).padStart(6, '0')}`,
    number: 100 + i,
    state,
    endedAt: '2026-11-28T10:12:08.000Z',
    metrics: { val_loss: 0.25 + i / 100, acc: 0.9 },
  });
}

interface SectionJson {
  type: string;
  text?: { text: string };
  accessory?: { action_id: string; value: string; text: { text: string } };
}
const sections = (blocks: unknown[]) => (blocks as SectionJson[]).filter((b) => b.type === 'section');
const buttons = (blocks: unknown[]) => sections(blocks).flatMap((b) => (b.accessory ? [b.accessory] : []));

describe('renderHome', () => {
  const input: HomeInput = {
    now: NOW,
    active: [
      makeRun({
        history: [1, 0.8, 0.6, 0.5, 0.45].map((loss, i) => ({ at: i, step: i + 1, values: { loss } })),
        metrics: { loss: 0.45 },
      }),
    ],
    recent: [ended(1), ended(2, 'failed')],
    schedules: [
      { schedule: schedule('nightly'), nextFire: new Date('2026-11-29T02:00:00Z') },
      { schedule: schedule('weekly', { paused: true }) },
    ],
    templates: [makeTemplate('resnet', [], 'Trains a ResNet.'), makeTemplate('demo', [])],
    objectiveOf: (t) => (t === 'resnet' ? 'val_loss' : undefined),
  };

  it('shows the viewer’s active runs with progress, main metric and a Stop button', () => {
    const view = renderHome(input);
    assert.equal(view.type, 'home');
    const text = JSON.stringify(view.blocks);
    assert.match(text, /🏃 \*#42 resnet\* · Running/);
    assert.match(text, /epoch 3\/10 \(30%\)/);
    assert.match(text, /loss 0\.45 █▅▃▂▁/, 'the main metric with its sparkline');
    const stop = buttons(view.blocks).find((b) => b.action_id === ACTIONS.stop);
    assert.equal(stop?.value, 'r-abc123def4');
    // The same button, asking the same question, as on the run's card.
    const onCard = JSON.stringify(renderRunCard(input.active[0], NOW).blocks);
    assert.ok(onCard.includes(JSON.stringify(stop)), 'the Stop button is the run card’s');
  });

  it('shows recent results with state, duration and the objective metric, each with Rerun…', () => {
    const text = JSON.stringify(renderHome(input).blocks);
    assert.match(text, /✅ \*#101 resnet\* · Succeeded · 12m 03s · val_loss 0\.26/);
    assert.match(text, /❌ \*#102 resnet\* · Failed/);
    const reruns = buttons(renderHome(input).blocks).filter((b) => b.action_id === ACTIONS.rerunForm);
    assert.deepEqual(
      reruns.map((b) => b.value),
      ['r-done000001', 'r-done000002'],
    );
  });

  it('shows schedules with their next run and Pause or Resume', () => {
    const blocks = renderHome(input).blocks;
    const text = JSON.stringify(blocks);
    assert.match(text, /\*nightly\* · `resnet epochs=5` · next <!date\^1795917600\^/);
    assert.match(text, /⏸️ \*weekly\* · `resnet epochs=5` · paused/);
    const toggles = buttons(blocks).filter(
      (b) => b.action_id === ACTIONS.schedulePause || b.action_id === ACTIONS.scheduleResume,
    );
    assert.deepEqual(
      toggles.map((b) => [b.action_id, b.value]),
      [
        [ACTIONS.schedulePause, 'nightly'],
        [ACTIONS.scheduleResume, 'weekly'],
      ],
    );
  });

  it('offers each template the viewer may launch with a Launch button that opens its form', () => {
    const launch = buttons(renderHome(input).blocks).filter((b) => b.action_id === ACTIONS.launchForm);
    assert.deepEqual(
      launch.map((b) => b.value),
      ['resnet', 'demo'],
    );
  });

  it('keeps each row’s names on its line, whatever line breaks they hold', () => {
    const broken = 'res\nnet\r\n2';
    const view = renderHome({
      now: NOW,
      active: [makeRun({ metrics: { 'val\nloss': 0.5 } }, { template: broken })],
      recent: [{ ...ended(1), spec: { ...ended(1).spec, template: broken } }],
      schedules: [{ schedule: schedule('night\nly'), nextFire: NOW }],
      templates: [makeTemplate(broken, [], 'Trains\nthings')],
      objectiveOf: () => 'val\nloss',
    });
    const rows = sections(view.blocks).map((b) => b.text?.text ?? '');
    assert.deepEqual(
      rows.map((text) => text.split('\n').length),
      [2, 2, 1, 1],
      'an active run has a title and a detail line, a result its params line',
    );
    assert.match(rows[0], /\*#42 res net 2\*/);
    assert.match(rows[2], /\*night ly\*/);
    assertSafeView(view);
  });

  it('answers a press in the tab on top of it, escaped (a press there has no other place to be answered)', () => {
    const view = renderHome({
      ...input,
      note: { kind: 'error', text: 'Only <@U1> may stop run #42 <!channel>.' },
    });
    const first = sections(view.blocks)[0];
    assert.equal(first.text?.text, '⚠️ Only &lt;@U1&gt; may stop run #42 &lt;!channel&gt;.');
    assertSafeView(view);
    const info = renderHome({ ...input, note: { kind: 'info', text: 'Stopping run #42.' } });
    assert.equal(sections(info.blocks)[0].text?.text, 'Stopping run #42.');
  });

  it('sums a run up by the objective it was launched with, before its template’s current one', () => {
    const run = {
      ...ended(3),
      spec: { ...ended(3).spec, objective: { metric: 'acc', goal: 'max' as const } },
    };
    const view = renderHome({ ...input, active: [], recent: [run] });
    assert.match(JSON.stringify(view.blocks), /acc 0\.9/);
    assert.doesNotMatch(JSON.stringify(view.blocks), /val_loss 0\.28/);
  });

  it('says what to do when the viewer has nothing yet', () => {
    const view = renderHome({ now: NOW, active: [], recent: [], schedules: [], templates: [] });
    assert.match(JSON.stringify(view.blocks), /Nothing running/);
    assertSafeView(view);
  });

  it('stays within Slack’s limits with 200 runs, 50 schedules and 50 templates, showing every template', () => {
    const long = 'w'.repeat(5000);
    const many: HomeInput = {
      now: NOW,
      active: Array.from({ length: 200 }, (_, i) =>
        makeRun(
          { id: `r-act${String(i).padStart(7, '0')}`, number: i, metrics: { [long]: i }, reason: long },
          { params: { text: long } },
        ),
      ),
      recent: Array.from({ length: 200 }, (_, i) => ended(i)),
      schedules: Array.from({ length: 50 }, (_, i) => ({
        schedule: schedule(`s${i}`, { params: { p: long } }),
      })),
      templates: Array.from({ length: 50 }, (_, i) => makeTemplate(`t${i}`, [], long)),
    };
    const view = renderHome(many);
    assertSafeView(view);
    const text = JSON.stringify(view.blocks);
    assert.equal(buttons(view.blocks).filter((b) => b.action_id === ACTIONS.launchForm).length, 50);
    assert.equal(
      buttons(view.blocks).filter((b) => b.action_id === ACTIONS.stop).length,
      HOME_LIMITS.active - 1,
    );
    assert.equal(
      buttons(view.blocks).filter((b) => b.action_id === ACTIONS.rerunForm).length,
      HOME_LIMITS.recent,
    );
    assert.match(text, /…and 186 more active runs/);
    assert.match(text, /…and 41 more schedules/);
  });

  it('lists what does not fit of many templates, still within 100 blocks', () => {
    const view = renderHome({
      now: NOW,
      active: [],
      recent: [],
      schedules: [],
      templates: Array.from({ length: 150 }, (_, i) => makeTemplate(`t${i}`, [])),
    });
    assertSafeView(view);
    assert.match(JSON.stringify(view.blocks), /more templates; `\/train templates` lists them all/);
  });
});
