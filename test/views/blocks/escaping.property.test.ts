import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lineageTree } from '../../../src/core/lineage/lineage-tree.ts';
import type { PipelineRun } from '../../../src/core/pipeline/pipeline-run.ts';
import type { StepState } from '../../../src/core/pipeline/step-state.ts';
import type { Run, RunOrigin } from '../../../src/core/run/run.ts';
import type { SlackMessage } from '../../../src/views/blocks/block-kit.ts';
import { renderLineage } from '../../../src/views/blocks/lineage.ts';
import { renderPipelineCard, renderPipelineNotice } from '../../../src/views/blocks/pipeline-card.ts';
import { makeRun } from '../../support/make-run.ts';
import { assertWithinLimits } from './fixtures.ts';

// Pieces that would ping a channel, mention someone, link a channel or break out of code
// formatting if they reached Slack unescaped.
// biome-ignore format: a flat list of short pieces reads better packed
const HOSTILE = [
  '<!channel>', '<!here>', '<!everyone>', '<@U999>', '<#C999>', '<!subteam^S1>', '<http://x|y>', '```', '`', '``',
  '&', '&lt;', '<', '>', '!', '@', '#', '*', '_', '~', '\n', '\r\n', ' ', 'a', 'Z', '0', 'é', '😀', '\u0000',
];
const hostile = fc.array(fc.constantFrom(...HOSTILE), { maxLength: 30 }).map((p) => p.join(''));
const longHostile = fc.oneof(
  hostile,
  hostile.map((s) => s.repeat(40)),
);

const LAUNCHER = 'U123';
const STOPPER = 'U9';
/** The only mentions a view may post: the ones Trainyard itself puts there. */
const OWN_MENTIONS = [`<@${LAUNCHER}>`, `<@${STOPPER}>`];

/** Every text Slack would render from a message: the fallback and each `text` in the blocks. */
function postedTexts(msg: SlackMessage): string[] {
  const texts: string[] = [msg.text];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'text' && typeof v === 'string') texts.push(v);
        else walk(v);
      }
    }
  };
  walk(msg.blocks);
  return texts;
}

function assertSafe(msg: SlackMessage): void {
  assertWithinLimits(msg);
  for (const text of postedTexts(msg)) {
    const withoutOwn = OWN_MENTIONS.reduce((t, m) => t.split(m).join(''), text);
    for (const control of ['<!', '<@', '<#']) {
      assert.ok(!withoutOwn.includes(control), `${control} in posted text: ${JSON.stringify(text)}`);
    }
    const fences = text.split('```').length - 1;
    assert.equal(fences % 2, 0, `unbalanced code fence in ${JSON.stringify(text)}`);
    // Outside code blocks, inline code spans come in pairs too.
    const outside = text.replace(/```[\s\S]*?```/g, '');
    assert.equal(
      (outside.match(/`/g) ?? []).length % 2,
      0,
      `unbalanced code span in ${JSON.stringify(text)}`,
    );
  }
}

const stepState = (text: string, outputs: Record<string, string>): fc.Arbitrary<StepState> =>
  fc.constantFrom<StepState>(
    { state: 'waiting' },
    { state: 'running', runId: 'r-1' },
    { state: 'succeeded', runId: 'r-1', outputs },
    { state: 'failed', runId: 'r-1', reason: text },
    { state: 'stopped', reason: text },
    { state: 'skipped', reason: text, cause: { kind: 'need', step: text, outcome: 'failed' } },
    { state: 'skipped', reason: text, cause: { kind: 'pipeline-stopped', by: STOPPER } },
  );

const recordArb = fc
  .record({
    stepName: longHostile,
    template: hostile,
    paramValue: longHostile,
    outputName: hostile,
    outputValue: longHostile,
    reason: longHostile,
    launcher: fc.constantFrom(LAUNCHER, '<!channel>', 'U1 <!here>'),
    matrix: fc.boolean(),
    end: fc.constantFrom('none', 'succeeded', 'failed', 'stopped'),
  })
  .chain((r) => {
    const outputs = { [r.outputName]: r.outputValue, loss: r.outputValue };
    return fc
      .tuple(stepState(r.reason, outputs), stepState(r.reason, outputs), stepState(r.reason, outputs))
      .map(([a, b, c]): PipelineRun => {
        const name = r.stepName;
        const steps: Record<string, StepState> = r.matrix
          ? { [`${name}#1`]: a, [`${name}#2`]: b }
          : { [name]: a };
        steps.after = c;
        const end =
          r.end === 'failed'
            ? { state: 'failed' as const, step: name, key: r.matrix ? `${name}#1` : name, reason: r.reason }
            : r.end === 'stopped'
              ? { state: 'stopped' as const, reason: `stopped by <@${STOPPER}>` }
              : r.end === 'succeeded'
                ? { state: 'succeeded' as const }
                : undefined;
        return {
          id: 'p-1',
          number: 7,
          pipeline: {
            name: 'flow',
            file: '/flow.yaml',
            params: [],
            steps: [
              {
                name,
                template: r.template,
                params: {},
                needs: [],
                ...(r.matrix
                  ? { matrix: { x: [1, 2] }, objective: { metric: 'loss', goal: 'min' as const } }
                  : {}),
              },
              { name: 'after', template: r.template, params: {}, needs: [name] },
            ],
          },
          params: { [r.outputName || 'p']: r.paramValue },
          launchedBy: r.launcher,
          channel: 'C1',
          createdAt: '2026-01-01T00:00:00.000Z',
          steps,
          ...(r.end === 'stopped' ? { stop: { by: STOPPER } } : {}),
          ...(end ? { end, endedAt: '2026-01-01T00:01:00.000Z' } : {}),
        };
      });
  });

const NOW = new Date('2026-01-01T00:00:30.000Z');
const stepRun = makeRun({ id: 'r-1', number: 3, state: 'running', startedAt: '2026-01-01T00:00:01.000Z' });

describe('views never let outside text ping, mention or break formatting', () => {
  it('pipeline card and completion notice', () => {
    fc.assert(
      fc.property(recordArb, fc.array(longHostile, { maxLength: 20 }), (record, logTail) => {
        assertSafe(renderPipelineCard(record, (id) => (id === 'r-1' ? stepRun : undefined), NOW));
        assertSafe(renderPipelineNotice(record, (id) => (id === 'r-1' ? stepRun : undefined), logTail, NOW));
      }),
      { numRuns: 500 },
    );
  });

  it('lineage', () => {
    const originArb = (text: string): fc.Arbitrary<RunOrigin> =>
      fc.constantFrom<RunOrigin>(
        { kind: 'command' },
        { kind: 'schedule', name: text },
        { kind: 'sweep', sweepId: text, trial: 2 },
        { kind: 'pipeline', pipelineId: text, step: text },
        { kind: 'rerun', runId: text },
      );
    const runArb = fc
      .record({ text: longHostile, other: hostile, count: fc.integer({ min: 1, max: 60 }) })
      .chain(({ text, other, count }) =>
        originArb(text).map((origin) => {
          const runs: Run[] = Array.from({ length: count }, (_, i) =>
            makeRun(
              {
                id: `r-${i}`,
                number: i + 1,
                state: 'succeeded',
                lineage: {
                  template: { name: other, hash: 'ab'.repeat(32) },
                  image: text,
                  code: { repo: `https://u:${other}@h/${text}`, ref: other },
                  commit: text,
                  origin,
                  inputs: i + 1 < count ? [`r-${i + 1}`, text] : [text],
                },
              },
              { template: other, params: { [other || 'p']: text } },
            ),
          );
          return runs;
        }),
      );
    fc.assert(
      fc.property(runArb, (runs) => {
        const byId = new Map(runs.map((r) => [r.id, r]));
        assertSafe(renderLineage(lineageTree('r-0', (id) => byId.get(id))));
      }),
      { numRuns: 200 },
    );
  });
});
