import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Run } from '../../../src/core/run/run.ts';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import type { Template } from '../../../src/core/template/template.ts';
import { renderHome } from '../../../src/views/blocks/home.ts';
import { renderLaunchForm } from '../../../src/views/blocks/launch-form.ts';
import { renderNewRunForm } from '../../../src/views/blocks/new-run-form.ts';
import { hostileText, hostileWord } from '../../support/hostile-text.ts';
import { assertSafeView } from '../../support/view-checks.ts';
import { makeRun } from './fixtures.ts';
import { makeTemplate, param } from './view-fixtures.ts';

/**
 * The forms and the Home tab with every field that comes from outside Trainyard (template names,
 * descriptions, help and enum values; run params, metric names and reasons; schedule names; the
 * options a run was launched with) set to hostile text: no mrkdwn in them holds a mention, link
 * or open code span the text put there, plain text stays on one line, and Slack's view limits hold.
 */

const NOW = new Date('2026-11-28T10:03:10.000Z');
const RUNS = { numRuns: 150 };
const text = hostileText();

const hostileTemplate: fc.Arbitrary<Template> = fc
  .record({
    name: hostileWord(),
    description: text,
    help: text,
    note: text,
    values: fc.array(hostileWord(), { minLength: 1, maxLength: 4 }),
  })
  .map((f) =>
    makeTemplate(
      f.name,
      [
        param('epochs', 'int', { default: 5, min: 1, help: f.help }),
        param('lr', 'float', { default: 0.1 }),
        param('note', 'string', { default: f.note, help: f.help }),
        param('opt', 'enum', { default: f.values[0], values: f.values }),
        param('fast', 'bool', {}),
      ],
      f.description,
    ),
  );

const hostileRun: fc.Arbitrary<Run> = fc
  .record({
    template: hostileWord(),
    params: fc.dictionary(hostileWord(), fc.oneof(text, fc.double(), fc.boolean()), { maxKeys: 5 }),
    note: text,
    metric: hostileWord(),
    reason: fc.option(text, { nil: undefined }),
    unit: text,
    cpu: text,
    ended: fc.boolean(),
  })
  .map((f) =>
    makeRun({
      state: f.ended ? 'failed' : 'running',
      ...(f.ended ? { endedAt: '2026-11-28T10:02:05.000Z' } : {}),
      spec: { ...makeRun().spec, template: f.template, params: { ...f.params, note: f.note } },
      metrics: { [f.metric]: 0.5 },
      history: [0.9, 0.7, 0.5].map((v, i) => ({ at: i, step: i + 1, values: { [f.metric]: v } })),
      progress: { current: 3, total: 10, unit: f.unit },
      options: { cpu: f.cpu, memory: f.cpu },
      reason: f.reason,
    }),
  );

const hostileSchedule: fc.Arbitrary<Schedule> = fc
  .record({
    name: hostileWord(),
    template: text,
    params: fc.dictionary(hostileWord(), text, { maxKeys: 3 }),
    paused: fc.boolean(),
  })
  .map((f) => ({
    ...f,
    cron: '0 2 * * *',
    timezone: 'UTC',
    options: {},
    policy: 'forbid' as const,
    channel: 'C1',
    owner: 'U7',
    createdAt: '2026-11-01T00:00:00.000Z',
    startingDeadlineSeconds: 300,
  }));

describe('forms and the Home tab with hostile text (property)', () => {
  it('launch form and rerun with changes', () => {
    fc.assert(
      fc.property(
        hostileTemplate,
        hostileRun,
        fc.option(text, { nil: undefined }),
        (template, run, channel) => {
          assertSafeView(renderLaunchForm({ template, channel }));
          assertSafeView(renderLaunchForm({ template, channel, rerun: run }));
        },
      ),
      RUNS,
    );
  });

  it('/train new, before and after a template is chosen', () => {
    fc.assert(
      fc.property(fc.array(hostileTemplate, { minLength: 1, maxLength: 4 }), text, (templates, channel) => {
        assertSafeView(renderNewRunForm({ templates, channel }));
        assertSafeView(renderNewRunForm({ templates, chosen: templates[0], channel }));
      }),
      RUNS,
    );
  });

  it('Home tab', () => {
    fc.assert(
      fc.property(
        fc.array(hostileRun, { maxLength: 4 }),
        fc.array(hostileSchedule, { maxLength: 3 }),
        fc.array(hostileTemplate, { maxLength: 3 }),
        hostileWord(),
        (runs, schedules, templates, objective) => {
          const view = renderHome({
            now: NOW,
            active: runs.filter((r) => !r.endedAt),
            recent: runs.filter((r) => r.endedAt),
            schedules: schedules.map((schedule) => ({ schedule, nextFire: NOW })),
            templates,
            objectiveOf: () => objective,
          });
          assertSafeView(view);
        },
      ),
      RUNS,
    );
  });
});
