import type { Run } from './run.ts';

/**
 * How a run is named and labelled wherever it runs: Kubernetes Jobs and pods, Docker containers,
 * built images. One definition, so every runtime and the cluster agree on what belongs to a run.
 */

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  run: 'trainyard.io/run',
  template: 'trainyard.io/template',
  schedule: 'trainyard.io/schedule',
  /** Set by the services that start runs of their own, through `run.labels`. */
  sweep: 'trainyard.io/sweep',
  pipeline: 'trainyard.io/pipeline',
  step: 'trainyard.io/step',
} as const;

export const ANNOTATIONS = {
  launchedBy: 'trainyard.io/launched-by',
  channel: 'trainyard.io/channel',
  params: 'trainyard.io/params',
  runNumber: 'trainyard.io/run-number',
  /** A sweep trial's index (1, 2, …), through `run.annotations`. */
  trial: 'trainyard.io/trial',
  /** The position (1, 2, …) of a pipeline step's run in its matrix, through `run.annotations`. */
  stepIndex: 'trainyard.io/step-index',
} as const;

export const MANAGED_BY = 'trainyard';
/** Label selector for everything Trainyard manages (Jobs, pods, containers). */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;

/** Where a run's folders appear inside its container, on Kubernetes and Docker alike. */
export const CONTAINER_PATHS = { artifacts: '/artifacts', inputs: '/inputs', code: '/code' } as const;

/**
 * The environment that tells a job where its folders are, on every runtime: TRAINYARD_ARTIFACTS,
 * and TRAINYARD_INPUTS when it reads earlier runs' artifacts.
 */
export function runFolderEnv(artifacts: string, inputs: string | undefined): Record<string, string> {
  return inputs === undefined
    ? { TRAINYARD_ARTIFACTS: artifacts }
    : { TRAINYARD_ARTIFACTS: artifacts, TRAINYARD_INPUTS: inputs };
}
const MAX_NAME = 63;

/**
 * `<template>-<number>-<suffix>`, a DNS-1123 label of at most 63 characters. The template
 * part is cut when needed so the number and suffix, which make the name unique, survive.
 */
export function jobName(template: string, runNumber: number, suffix: string): string {
  const tail = `-${runNumber}-${suffix}`;
  const head = template
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, Math.max(1, MAX_NAME - tail.length))
    .replace(/^-+|-+$/g, '');
  return `${head || 'run'}${tail}`.slice(0, MAX_NAME);
}

/** A string made safe as a label value: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends. */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, MAX_NAME)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * The labels of a run's Job and pod (and container): its identity, plus the labels its parent
 * asked for (`run.labels`, e.g. `trainyard.io/sweep`), which can never replace the identity.
 */
export function runLabels(run: Run): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(run.labels ?? {})) labels[key] = labelValue(value);
  Object.assign(labels, {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.run]: run.id,
    [LABELS.template]: run.spec.template,
  });
  if (run.schedule) labels[LABELS.schedule] = labelValue(run.schedule);
  return labels;
}

/**
 * What people and a restarted bot need to know about a run's Job: who, where, with what. The
 * run's extra `annotations` (e.g. `trainyard.io/trial`) come along but never replace these.
 */
export function runAnnotations(run: Run): Record<string, string> {
  return {
    ...run.annotations,
    [ANNOTATIONS.launchedBy]: run.launchedBy,
    [ANNOTATIONS.channel]: run.channel,
    [ANNOTATIONS.params]: JSON.stringify(run.spec.params),
    [ANNOTATIONS.runNumber]: String(run.number),
  };
}
