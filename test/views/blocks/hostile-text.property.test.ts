import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import { codeText, sentence, userMention } from '../../../src/core/sentence.ts';
import type { Template } from '../../../src/core/template/template.ts';
import { renderNotice } from '../../../src/views/blocks/notice.ts';
import { renderReply } from '../../../src/views/blocks/reply.ts';
import { renderRunCard } from '../../../src/views/blocks/run-card.ts';
import { hostileRun as hostileRunOf } from '../../support/hostile-run.ts';
import { hostileText, hostileWord } from '../../support/hostile-text.ts';
import { assertSafeSlackMessage } from '../../support/view-checks.ts';
import { makeRun } from './fixtures.ts';

/**
 * Every Block Kit view, with every field that comes from outside Trainyard (the job's log and
 * termination message, the cluster, params, templates, schedules, user input) set to hostile
 * text: whatever the text, nothing posted holds a mention, link or code fence the text put
 * there, and Slack's limits hold.
 */

const NOW = new Date('2026-11-28T10:03:10.000Z');
const LAUNCHER = 'U123';
const STOPPER = 'U456';
const OWNER = 'U7';
const RUNS = { numRuns: 150 };

const text = hostileText();

const hostileRun = hostileRunOf({
  base: makeRun,
  stoppedBy: fc.option(fc.constantFrom(STOPPER, '<!channel>', 'U1><!here'), { nil: undefined }),
});

const hostileSchedule: fc.Arbitrary<Schedule> = fc
  .record({
    name: hostileWord(),
    cron: text,
    timezone: text,
    template: text,
    params: fc.dictionary(hostileWord(), text, { maxKeys: 4 }),
    paused: fc.boolean(),
  })
  .map((f) => ({
    ...f,
    options: {},
    policy: 'forbid' as const,
    channel: 'C1',
    owner: OWNER,
    createdAt: '2026-11-01T00:00:00.000Z',
    startingDeadlineSeconds: 300,
  }));

const hostileTemplate: fc.Arbitrary<Template> = fc
  .record({
    name: hostileWord(),
    description: text,
    help: text,
    pattern: text,
    values: fc.array(text, { maxLength: 3 }),
  })
  .map((f) => ({
    name: f.name,
    file: '/t/x.yaml',
    dir: '/t/x',
    description: f.description,
    params: [
      { name: 'epochs', type: 'int' as const, required: false, default: 5, help: f.help },
      { name: 'note', type: 'string' as const, required: false, default: '', pattern: f.pattern },
      { name: 'opt', type: 'enum' as const, required: false, default: 'a', values: ['a', ...f.values] },
    ],
  })) as fc.Arbitrary<Template>;

/** The ids Trainyard itself mentions in these messages. */
const ALLOWED = [LAUNCHER, STOPPER, OWNER];

describe('Block Kit views with hostile text (property)', () => {
  it('run card', () => {
    fc.assert(
      fc.property(hostileRun, (run) => assertSafeSlackMessage(renderRunCard(run, NOW), ALLOWED)),
      RUNS,
    );
  });

  it('completion notice, with hostile log lines and termination messages', () => {
    fc.assert(
      fc.property(hostileRun, fc.array(text, { maxLength: 30 }), (run, tail) =>
        assertSafeSlackMessage(renderNotice(run, tail, NOW), ALLOWED),
      ),
      RUNS,
    );
  });

  it('error and info replies quoting user input, with Trainyard mentions and code', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('error' as const, 'info' as const), (input, kind) => {
        assertSafeSlackMessage(renderReply({ kind, text: `Unknown template "${input}".` }, NOW), ALLOWED);
        const said = sentence`Only ${userMention(LAUNCHER)} may stop ${input}; try ${codeText(input)}.`;
        assertSafeSlackMessage(renderReply({ kind, text: said }, NOW), ALLOWED);
      }),
      RUNS,
    );
  });

  it('templates, runs, run and logs replies', () => {
    fc.assert(
      fc.property(
        fc.array(hostileTemplate, { maxLength: 4 }),
        fc.array(hostileRun, { maxLength: 4 }),
        fc.array(text, { maxLength: 40 }),
        (templates, runs, lines) => {
          assertSafeSlackMessage(renderReply({ kind: 'templates', templates }, NOW), ALLOWED);
          assertSafeSlackMessage(renderReply({ kind: 'runs', runs }, NOW), ALLOWED);
          for (const run of runs) {
            assertSafeSlackMessage(renderReply({ kind: 'run', run }, NOW), ALLOWED);
            assertSafeSlackMessage(renderReply({ kind: 'logs', run, lines }, NOW), ALLOWED);
            assertSafeSlackMessage(renderReply({ kind: 'chart', run }, NOW), ALLOWED);
          }
        },
      ),
      RUNS,
    );
  });

  it('schedule card and schedule list', () => {
    fc.assert(
      fc.property(
        hostileSchedule,
        text,
        fc.option(hostileRun, { nil: undefined }),
        (schedule, description, lastRun) => {
          const nextFires = [new Date('2026-11-29T02:00:00Z'), new Date('2026-11-30T02:00:00Z')];
          assertSafeSlackMessage(
            renderReply({ kind: 'schedule', schedule, nextFires, description }, NOW),
            ALLOWED,
          );
          const listed = {
            kind: 'schedules' as const,
            schedules: [{ schedule, nextFire: nextFires[0], lastRun }],
          };
          assertSafeSlackMessage(renderReply(listed, NOW), ALLOWED);
        },
      ),
      RUNS,
    );
  });
});
