import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS } from '../../../src/core/actions.ts';
import { USAGE } from '../../../src/core/command/usage.ts';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import type { Template } from '../../../src/core/template/template.ts';
import type { Block } from '../../../src/views/blocks/block-kit.ts';
import { renderReply } from '../../../src/views/blocks/reply.ts';
import { assertSafeSlackMessage } from '../../support/view-checks.ts';
import { buttonsOf, makeRun } from './fixtures.ts';

const NOW = new Date('2026-11-28T10:03:10.000Z');
/** Within limits, and the only mentions are the fixtures' launcher (U123) and schedule owner (U7). */
const assertSafe = (msg: Parameters<typeof assertSafeSlackMessage>[0]) =>
  assertSafeSlackMessage(msg, ['U123', 'U7']);
const json = (x: unknown) => JSON.stringify(x);
const actionIds = (blocks: Block[]) => buttonsOf(blocks).map((b) => b.action_id);

const schedule = (overrides: Partial<Schedule> = {}): Schedule => ({
  name: 'nightly',
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
  ...overrides,
});

const template = (name: string, paramCount = 2): Template => ({
  name,
  file: `/t/${name}.yaml`,
  dir: `/t/${name}`,
  description: `Trains ${name}`,
  params: Array.from({ length: paramCount }, (_, i) => ({
    name: `p${i}`,
    type: 'int' as const,
    required: false,
    default: i,
    min: 0,
    max: 100,
    help: 'h'.repeat(50),
  })),
  raw: { command: [], args: [], env: {}, resources: {}, job: {} },
});

describe('renderReply', () => {
  it('renders errors and infos as one section with the same fallback text', () => {
    const error = renderReply({ kind: 'error', text: 'Unknown template "resnt"; did you mean resnet?' });
    assert.match(error.text, /did you mean resnet/);
    assert.equal(error.blocks.length, 1);
    assertSafe(renderReply({ kind: 'info', text: 'i'.repeat(10_000) }));
  });

  it('lists every command of USAGE in help', () => {
    const help = renderReply({ kind: 'help' });
    for (const u of USAGE)
      assert.ok(
        json(help.blocks).includes(u.verb === 'launch' ? '/train &lt;template&gt;' : u.usage.split(' ')[1]),
      );
    assertSafe(help);
  });

  it('lists templates with their params, cutting many templates at 50 blocks', () => {
    const few = renderReply({ kind: 'templates', templates: [template('resnet'), template('demo')] });
    assert.ok(json(few.blocks).includes('p1 (int, default 1, 0..100)'));
    const many = renderReply({
      kind: 'templates',
      templates: Array.from({ length: 80 }, (_, i) => template(`t${i}`, 200)),
    });
    assertSafe(many);
    assert.ok(json(many.blocks.at(-1)).includes('more templates not shown'));
  });

  it('lists runs one line each, within limits for hundreds of runs', () => {
    const runs = Array.from({ length: 200 }, (_, i) => makeRun({ id: `r-${i}`, number: i }));
    const reply = renderReply({ kind: 'runs', runs }, NOW);
    assertSafe(reply);
    assert.ok(json(reply.blocks).includes('epoch 3/10'));
    assert.match(renderReply({ kind: 'runs', runs: [] }).text, /No runs yet/);
  });

  it('shows a run as its card and logs as a code block that fits', () => {
    assert.deepEqual(actionIds(renderReply({ kind: 'run', run: makeRun() }, NOW).blocks), [
      ACTIONS.stop,
      ACTIONS.rerun,
      ACTIONS.logs,
    ]);
    const lines = Array.from({ length: 5000 }, (_, i) => `epoch ${i} loss=${'9'.repeat(i % 300)}`);
    const logs = renderReply({ kind: 'logs', run: makeRun(), lines });
    assertSafe(logs);
    assert.ok(json(logs.blocks).includes('epoch 4999'));
  });

  it('renders a schedule with Run now, Pause and Delete (Resume when paused)', () => {
    const nextFires = [new Date('2026-11-29T02:00:00Z'), new Date('2026-11-30T02:00:00Z')];
    const active = renderReply({
      kind: 'schedule',
      schedule: schedule(),
      nextFires,
      description: 'At 02:00',
    });
    assert.deepEqual(actionIds(active.blocks), [
      ACTIONS.scheduleRunNow,
      ACTIONS.schedulePause,
      ACTIONS.scheduleDelete,
    ]);
    assert.ok(json(active.blocks).includes('<@U7>'));
    assertSafe(active);
    const paused = renderReply({
      kind: 'schedule',
      schedule: schedule({ paused: true }),
      nextFires,
      description: 'At 02:00',
    });
    assert.deepEqual(actionIds(paused.blocks), [
      ACTIONS.scheduleRunNow,
      ACTIONS.scheduleResume,
      ACTIONS.scheduleDelete,
    ]);
  });

  it('lists schedules with their buttons, within limits for many', () => {
    const schedules = Array.from({ length: 60 }, (_, i) => ({
      schedule: schedule({ name: `s${i}` }),
      nextFire: new Date('2026-11-29T02:00:00Z'),
      lastRun: makeRun({ state: 'succeeded', endedAt: '2026-11-28T10:01:00Z' }),
    }));
    assertSafe(renderReply({ kind: 'schedules', schedules }, NOW));
    assert.match(renderReply({ kind: 'schedules', schedules: [] }).text, /No schedules yet/);
  });
});
