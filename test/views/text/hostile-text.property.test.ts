import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RUN_STATES, type Run, type RuntimeKind } from '../../../src/core/run/run.ts';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import { codeText, sentence, userMention } from '../../../src/core/sentence.ts';
import type { Template } from '../../../src/core/template/template.ts';
import {
  renderChartSavedText,
  renderFormHintText,
  renderNoChartText,
} from '../../../src/views/text/chart-text.ts';
import {
  renderLaunchedText,
  renderLogKeptText,
  renderNoticeText,
} from '../../../src/views/text/notice-text.ts';
import { renderAnnouncementText, renderReplyText } from '../../../src/views/text/reply-text.ts';
import { renderRunCardText, renderRunLine } from '../../../src/views/text/run-card-text.ts';
import { terminalText } from '../../../src/views/text/terminal.ts';
import { hostileText, hostileWord } from '../../support/hostile-text.ts';
import { makeRun } from '../../support/make-run.ts';
import { assertSafeTerminalText } from '../../support/view-checks.ts';

/**
 * Every console view, with every field from outside Trainyard set to hostile text: no ESC
 * sequence, carriage return or other control character reaches the terminal, and a live card
 * line is always one line (the console redraws them in place by counting lines).
 */

const NOW = new Date('2026-11-28T10:03:10.000Z');
const RUNS = { numRuns: 150 };
const text = hostileText();

const hostileRun: fc.Arbitrary<Run> = fc
  .record({
    state: fc.constantFrom(...RUN_STATES),
    template: hostileWord(),
    params: fc.dictionary(hostileWord(), fc.oneof(text, fc.double()), { maxKeys: 5 }),
    handle: text,
    namespace: fc.option(text, { nil: undefined }),
    schedule: fc.option(text, { nil: undefined }),
    reason: fc.option(text, { nil: undefined }),
    runtime: fc.option(fc.constantFrom('kubernetes', 'docker', 'process') as fc.Arbitrary<RuntimeKind>, {
      nil: undefined,
    }),
    runtimeNote: fc.option(text, { nil: undefined }),
    metrics: fc.dictionary(hostileWord(), fc.double(), { maxKeys: 5 }),
    unit: text,
    outputs: fc.dictionary(hostileWord(), text, { maxKeys: 4 }),
    step: text,
    artifact: text,
    kept: fc.boolean(),
    launchedBy: text,
    stoppedBy: fc.option(text, { nil: undefined }),
  })
  .map((f) =>
    makeRun({
      state: f.state,
      launchedBy: f.launchedBy,
      spec: { ...makeRun().spec, template: f.template, params: f.params, objective: objectiveOf(f.metrics) },
      placement: { handle: f.handle, namespace: f.namespace },
      schedule: f.schedule,
      reason: f.reason,
      runtime: f.runtime,
      runtimeNote: f.runtimeNote,
      metrics: f.metrics,
      // Four samples of each metric: the live card's sparkline and the notice's sparklines show them.
      history: historyOf(f.metrics),
      progress: { current: 1, total: 4, unit: f.unit },
      stoppedBy: f.stoppedBy,
      outputs: f.outputs,
      origin: { kind: 'pipeline', pipelineId: 'p-1', pipelineNumber: 4, step: f.step },
      artifacts: f.kept
        ? { kept: true, files: [{ name: f.artifact, size: 1234 }], count: 30 }
        : { kept: false },
      startedAt: '2026-11-28T10:00:05.000Z',
      endedAt: '2026-11-28T10:02:05.000Z',
    }),
  );

/** The first metric as the run's objective: its (hostile) name is what the card's sparkline names. */
const objectiveOf = (metrics: Record<string, number>) => {
  const [metric] = Object.keys(metrics);
  return metric === undefined ? undefined : { metric, goal: 'min' as const };
};
const historyOf = (metrics: Record<string, number>) =>
  [1, 2, 3, 4].map((step) => ({
    at: step,
    step,
    values: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v * step])),
  }));

const hostileSchedule: fc.Arbitrary<Schedule> = fc
  .record({
    name: hostileWord(),
    cron: text,
    timezone: fc.oneof(text, fc.constant('Europe/Berlin')),
    template: text,
    params: fc.dictionary(hostileWord(), text, { maxKeys: 3 }),
    paused: fc.boolean(),
    owner: text,
    channel: text,
  })
  .map((f) => ({
    ...f,
    options: {},
    policy: 'allow' as const,
    createdAt: '2026-11-01T00:00:00.000Z',
    startingDeadlineSeconds: 300,
  }));

const hostileTemplate: fc.Arbitrary<Template> = fc
  .record({ name: hostileWord(), description: text, help: text })
  .map((f) => ({
    name: f.name,
    file: '/t/x.yaml',
    dir: '/t/x',
    description: f.description,
    params: [{ name: 'epochs', type: 'int' as const, required: false, default: 5, help: f.help }],
  })) as fc.Arbitrary<Template>;

describe('terminalText', () => {
  it('removes escape sequences and shows other controls as visible symbols', () => {
    assert.equal(terminalText('\u001b[31mred\u001b[0m'), 'red');
    assert.equal(terminalText('\u001b]0;owned\u0007title'), 'title');
    assert.equal(terminalText('a\rb'), 'a␍b');
    assert.equal(terminalText('one\ntwo'), 'one ↵ two');
    assert.equal(terminalText('bell\u0007 nul\u0000 del\u007f c1\u009b2J'), 'bell␇ nul␀ del␡ c1');
    assert.equal(terminalText('\u202eevil'), '�evil');
  });

  it('is idempotent, so composing safe text never changes it (property)', () => {
    fc.assert(
      fc.property(text, (s) => {
        const once = terminalText(s);
        assert.equal(terminalText(once), once);
      }),
    );
  });
});

describe('console views with hostile text (property)', () => {
  it('run card lines and run lines', () => {
    fc.assert(
      fc.property(hostileRun, (run) => {
        assertSafeTerminalText(renderRunCardText(run, NOW));
        assertSafeTerminalText([renderRunLine(run, NOW)]);
        assertSafeTerminalText([...renderLaunchedText(run), renderLogKeptText(run, 1)]);
      }),
      RUNS,
    );
  });

  it('completion notice with hostile log lines', () => {
    fc.assert(
      fc.property(hostileRun, fc.array(text, { maxLength: 20 }), (run, tail) => {
        assertSafeTerminalText(renderNoticeText(run, tail, NOW));
        assertSafeTerminalText([
          renderChartSavedText(`/data/charts/${run.spec.template}.png`),
          renderNoChartText(run.spec.template, run.reason ?? '', false),
          renderFormHintText(Object.keys(run.spec.params), run.spec.template),
        ]);
      }),
      RUNS,
    );
  });

  it('every reply kind and announcements', () => {
    fc.assert(
      fc.property(
        hostileRun,
        hostileSchedule,
        fc.array(hostileTemplate, { maxLength: 3 }),
        fc.array(text, { maxLength: 20 }),
        text,
        (run, schedule, templates, lines, input) => {
          const nextFires = [new Date('2026-11-29T02:00:00Z')];
          for (const reply of [
            { kind: 'error' as const, text: `"${input}" is not a run.` },
            { kind: 'info' as const, text: sentence`${userMention(input)} said ${codeText(input)}` },
            { kind: 'templates' as const, templates },
            { kind: 'runs' as const, runs: [run] },
            { kind: 'run' as const, run },
            { kind: 'logs' as const, run, lines },
            { kind: 'chart' as const, run },
            { kind: 'schedule' as const, schedule, nextFires, description: input },
            { kind: 'schedules' as const, schedules: [{ schedule, nextFire: nextFires[0], lastRun: run }] },
          ]) {
            assertSafeTerminalText(renderReplyText(reply, NOW));
          }
          assertSafeTerminalText([renderAnnouncementText(`⏰ ${input} started run #3`)]);
        },
      ),
      RUNS,
    );
  });
});
