import fc from 'fast-check';
import type { PipelineEnd } from '../../src/core/pipeline/decide-pipeline.ts';
import type { PipelineRun } from '../../src/core/pipeline/pipeline-run.ts';
import type { StepState } from '../../src/core/pipeline/step-state.ts';
import type { Run, RunOrigin } from '../../src/core/run/run.ts';
import { hostileText, hostileWord } from '../support/hostile-text.ts';
import { makeRun } from '../support/make-run.ts';

/**
 * Pipeline runs and lineage chains whose every field from outside Trainyard (step and template
 * names, params, outputs, reasons, log lines, images, clone URLs, commits, origins, user ids) is
 * hostile text, for the Block Kit and console property tests of the pipeline and lineage views.
 */

export const NOW = new Date('2026-01-01T00:00:30.000Z');

const text = hostileText();

/** The step run every step state points at. */
export const STEP_RUN = makeRun({
  id: 'r-1',
  number: 3,
  state: 'running',
  startedAt: '2026-01-01T00:00:01.000Z',
});
export const lookupStepRun = (id: string): Run | undefined => (id === 'r-1' ? STEP_RUN : undefined);

const stepState = (
  reason: string,
  outputs: Record<string, string>,
  stopper: string,
): fc.Arbitrary<StepState> =>
  fc.constantFrom<StepState>(
    { state: 'waiting' },
    { state: 'running', runId: 'r-1' },
    { state: 'succeeded', runId: 'r-1', outputs },
    { state: 'failed', runId: 'r-1', reason },
    { state: 'stopped', reason },
    { state: 'skipped', reason, cause: { kind: 'need', step: reason, outcome: 'failed' } },
    { state: 'skipped', reason, cause: { kind: 'pipeline-stopped', by: stopper } },
  );

/**
 * A pipeline of a (perhaps matrix) step and one that needs it, in any state, ended or not.
 * `users` are the launcher and stopper ids to pick from: ids Trainyard holds, and hostile ones.
 */
export function hostilePipelineRecord(users: fc.Arbitrary<string>): fc.Arbitrary<PipelineRun> {
  return fc
    .record({
      stepName: hostileWord(),
      template: hostileWord(),
      pipelineName: hostileWord(),
      paramName: hostileWord(),
      paramValue: text,
      outputName: hostileWord(),
      outputValue: text,
      reason: text,
      launcher: users,
      stopper: users,
      matrix: fc.boolean(),
      end: fc.constantFrom('none', 'succeeded', 'failed', 'stopped', 'step-stopped'),
    })
    .chain((r) => {
      const outputs = { [r.outputName]: r.outputValue, loss: r.outputValue };
      const state = stepState(r.reason, outputs, r.stopper);
      return fc.tuple(state, state, state).map(([a, b, c]): PipelineRun => {
        const name = r.stepName;
        const key = r.matrix ? `${name}#1` : name;
        const steps: Record<string, StepState> = r.matrix ? { [key]: a, [`${name}#2`]: b } : { [key]: a };
        steps.after = c;
        const ends: Record<string, PipelineEnd | undefined> = {
          none: undefined,
          succeeded: { state: 'succeeded' },
          failed: { state: 'failed', step: name, key, reason: r.reason },
          stopped: { state: 'stopped', reason: `stopped by @${r.stopper}` },
          'step-stopped': { state: 'stopped', step: name, key, reason: r.reason },
        };
        const end = ends[r.end];
        return {
          id: 'p-1',
          number: 7,
          pipeline: {
            name: r.pipelineName,
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
          params: { [r.paramName]: r.paramValue },
          launchedBy: r.launcher,
          channel: 'C1',
          createdAt: '2026-01-01T00:00:00.000Z',
          steps,
          ...(r.end === 'stopped' ? { stop: { by: r.stopper } } : {}),
          ...(end ? { end, endedAt: '2026-01-01T00:01:00.000Z' } : {}),
        };
      });
    });
}

/** Log lines of a failed step. */
export const hostileLogTail = fc.array(text, { maxLength: 30 });

const hostileOrigin = (s: string): fc.Arbitrary<RunOrigin> =>
  fc.constantFrom<RunOrigin>(
    { kind: 'command' },
    { kind: 'schedule', name: s },
    { kind: 'sweep', sweepId: s, trial: 2 },
    { kind: 'pipeline', pipelineId: s, step: s },
    { kind: 'rerun', runId: s },
  );

/**
 * A chain of 1–60 runs, each consuming the next and one run that is no longer kept, every
 * lineage fact hostile. The chain starts at `r-0`.
 */
export const hostileLineageRuns: fc.Arbitrary<Map<string, Run>> = fc
  .record({ fact: text, name: hostileWord(), count: fc.integer({ min: 1, max: 60 }) })
  .chain(({ fact, name, count }) =>
    hostileOrigin(fact).map((origin) => {
      const runs = Array.from({ length: count }, (_, i) =>
        makeRun(
          {
            id: `r-${i}`,
            number: i + 1,
            state: 'succeeded',
            lineage: {
              template: { name, hash: 'ab'.repeat(32) },
              image: fact,
              code: { repo: `https://u:${name}@h/${fact}`, ref: name },
              commit: fact,
              origin,
              inputs: i + 1 < count ? [`r-${i + 1}`, fact] : [fact],
            },
          },
          { template: name, params: { [name]: fact } },
        ),
      );
      return new Map(runs.map((r) => [r.id, r]));
    }),
  );
