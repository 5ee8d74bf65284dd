import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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
import { hostileRun as hostileRunOf } from '../../support/hostile-run.ts';
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

const hostileRun = hostileRunOf({
  base: makeRun,
  launchedBy: text,
  stoppedBy: fc.option(text, { nil: undefined }),
});

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
