import type { ParamValue } from '../run/run.ts';
import type { Pipeline, PipelineStep } from './pipeline.ts';

/**
 * Step instances: a step runs once, or once per combination of its matrix. Each instance has a
 * stable key by which its state is stored: `train` for a step without matrix, `train#1`,
 * `train#2`, … (1-based, in matrix order) for a fanned-out one. `#` cannot occur in a step name.
 */
export interface StepInstance {
  key: string;
  step: string;
  /** Position in the matrix, from 1; absent for a step without matrix. */
  index?: number;
  /** This instance's matrix values (empty without matrix). */
  values: Record<string, ParamValue>;
}

export function instanceKey(step: string, index?: number): string {
  return index === undefined ? step : `${step}#${index}`;
}

/** How many runs a matrix makes (the product of its list lengths), without listing them. */
export function matrixSize(matrix: Readonly<Record<string, readonly unknown[]>>): number {
  return Object.values(matrix).reduce((n, values) => n * values.length, 1);
}

/**
 * Every combination of the matrix's values: the first param varies slowest, the last fastest,
 * so `{a: [1, 2], b: [x, y]}` gives a1b:x, a1b:y, a2b:x, a2b:y.
 */
export function matrixCombinations(
  matrix: Readonly<Record<string, readonly ParamValue[]>>,
): Record<string, ParamValue>[] {
  let combinations: Record<string, ParamValue>[] = [{}];
  for (const [name, values] of Object.entries(matrix)) {
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combinations;
}

export function stepInstances(step: PipelineStep): StepInstance[] {
  if (!step.matrix) return [{ key: step.name, step: step.name, values: {} }];
  return matrixCombinations(step.matrix).map((values, i) => ({
    key: instanceKey(step.name, i + 1),
    step: step.name,
    index: i + 1,
    values,
  }));
}

/** All instances of the pipeline, step by step in topological order. */
export function pipelineInstances(pipeline: Pipeline): StepInstance[] {
  return pipeline.steps.flatMap(stepInstances);
}
