import type { StepLaunch } from '../../core/pipeline/decide-pipeline.ts';
import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import type { RunInput } from '../../core/run/run.ts';
import { ANNOTATIONS, LABELS } from '../../core/run/run-identity.ts';
import type { LaunchRequest } from '../../ports/launcher.ts';

/**
 * The launch of one step instance, as the launcher takes it: quiet (the pipeline card reports for
 * it), launched as the pipeline's launcher in its channel, with the id decided for it (so a
 * launch repeated after a restart is the same one), labelled with the pipeline and the step (the
 * matrix position goes in an annotation: instance keys like `train#2` are no label values), and
 * reading the artifacts of the steps it needs.
 */
export function stepRequest(record: PipelineRun, launch: StepLaunch, runId: string): LaunchRequest {
  const req: LaunchRequest = {
    id: runId,
    template: launch.template,
    params: launch.params,
    options: {},
    user: record.launchedBy,
    channel: record.channel,
    origin: { kind: 'pipeline', pipelineId: record.id, pipelineNumber: record.number, step: launch.key },
    parent: { kind: 'pipeline', id: record.id },
    quiet: true,
    labels: { [LABELS.pipeline]: record.id, [LABELS.step]: launch.step },
    inputs: inputsOf(launch),
    consumed: launch.consumed,
  };
  if (launch.index !== undefined) req.annotations = { [ANNOTATIONS.stepIndex]: String(launch.index) };
  return req;
}

/**
 * Where each needed run's artifacts appear under TRAINYARD_INPUTS: `<step>/` for a step that ran
 * once, `<step>/<index>/` for each run of a fanned-out step.
 */
export function inputsOf(launch: Pick<StepLaunch, 'inputs'>): RunInput[] {
  return launch.inputs.flatMap(({ step, runs }) =>
    runs.map((run) => ({
      path: run.index === undefined ? step : `${step}/${run.index}`,
      runId: run.runId,
    })),
  );
}
