import fc from 'fast-check';
import { RUN_STATES, type Run, type RuntimeKind } from '../../src/core/run/run.ts';
import { hostileText, hostileWord } from './hostile-text.ts';

/**
 * A run whose every field from outside Trainyard (params, the cluster, the job's log and
 * termination message, outputs, artifacts) is hostile text, for the property tests of both chats'
 * views. Who launched and stopped it differs by chat: Slack views take user ids (Trainyard's own
 * mention of the launcher is legitimate there), the console any text.
 */
export function hostileRun(opts: {
  /** The run the fields are set on (each test file's fixture). */
  base: () => Run;
  launchedBy?: fc.Arbitrary<string>;
  stoppedBy: fc.Arbitrary<string | undefined>;
}): fc.Arbitrary<Run> {
  const text = hostileText();
  return fc
    .record({
      state: fc.constantFrom(...RUN_STATES),
      template: hostileWord(),
      params: fc.dictionary(hostileWord(), fc.oneof(text, fc.double(), fc.boolean()), { maxKeys: 6 }),
      image: text,
      handle: text,
      namespace: fc.option(text, { nil: undefined }),
      schedule: fc.option(text, { nil: undefined }),
      reason: fc.option(text, { nil: undefined }),
      runtime: fc.option(fc.constantFrom('kubernetes', 'docker', 'process') as fc.Arbitrary<RuntimeKind>, {
        nil: undefined,
      }),
      runtimeNote: fc.option(text, { nil: undefined }),
      metrics: fc.dictionary(hostileWord(), fc.double(), { maxKeys: 6 }),
      unit: text,
      outputs: fc.dictionary(hostileWord(), text, { maxKeys: 4 }),
      step: text,
      artifact: text,
      kept: fc.boolean(),
      launchedBy: opts.launchedBy ?? fc.constant(undefined),
      stoppedBy: opts.stoppedBy,
    })
    .map((f) => {
      const base = opts.base();
      return {
        ...base,
        state: f.state,
        launchedBy: f.launchedBy ?? base.launchedBy,
        spec: {
          ...base.spec,
          template: f.template,
          params: f.params,
          objective: objectiveOf(f.metrics),
          image: f.image,
        },
        placement: { handle: f.handle, namespace: f.namespace },
        schedule: f.schedule,
        reason: f.reason,
        runtime: f.runtime,
        runtimeNote: f.runtimeNote,
        metrics: f.metrics,
        // Four samples of each metric: the live card's sparkline and the notice's sparklines show them.
        history: historyOf(f.metrics),
        progress: { current: 3, total: 10, unit: f.unit },
        stoppedBy: f.stoppedBy,
        outputs: f.outputs,
        origin: { kind: 'pipeline', pipelineId: 'p-1', pipelineNumber: 4, step: f.step },
        artifacts: f.kept
          ? { kept: true, files: [{ name: f.artifact, size: 1234 }], count: 30 }
          : { kept: false },
        startedAt: '2026-11-28T10:00:05.000Z',
        endedAt: '2026-11-28T10:02:05.000Z',
      };
    });
}

/** The first metric as the run's objective: its (hostile) name is what the card's sparkline names. */
function objectiveOf(metrics: Record<string, number>) {
  const [metric] = Object.keys(metrics);
  return metric === undefined ? undefined : { metric, goal: 'min' as const };
}

function historyOf(metrics: Record<string, number>) {
  return [1, 2, 3, 4].map((step) => ({
    at: step,
    step,
    values: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v * step])),
  }));
}
