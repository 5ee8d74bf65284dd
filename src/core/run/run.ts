/** Where a run is in its life. End states never change again. */
export const RUN_STATES = [
  'queued',
  'building',
  'pending',
  'running',
  'succeeded',
  'failed',
  'stopped',
  'lost',
] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Where runs run: a Kubernetes cluster, one Docker engine, or local processes. */
export type RuntimeKind = 'kubernetes' | 'docker' | 'process';

/** How many of its last log lines a run's failure notice shows. */
export const NOTICE_LOG_LINES = 15;

export const END_STATES: ReadonlySet<RunState> = new Set(['succeeded', 'failed', 'stopped', 'lost']);
export const isEnded = (s: RunState): boolean => END_STATES.has(s);

/** A change the runtime observed. The hub applies it through the status machine. */
export interface RuntimeUpdate {
  state: RunState;
  /** Plain text for people (it may quote the cluster or the job); the views escape it. */
  reason?: string;
  exitCode?: number;
  at?: Date;
  /**
   * For `lost`: when the run was last known to be alive (its last log line, the last event the
   * runtime saw before the bot went down). A lost run's duration ends there, not when the loss
   * was noticed, so a bot's downtime is not counted as run time.
   */
  lastSeenAt?: Date;
  /** For `stopped`: the user who asked for the stop (Slack id); the views mention them. */
  stoppedBy?: string;
}

export type ParamValue = string | number | boolean;
export type Params = Record<string, ParamValue>;

export interface BuildSpec {
  /** Absolute path of the build context folder. */
  context: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  buildArgs: Record<string, string>;
  target?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** One key of a Kubernetes Secret (`secretEnv: { HF_TOKEN: hf/token }`). */
export interface SecretKeyRef {
  secret: string;
  key: string;
}

/** Everything a runtime needs to start a run: the template with params applied. Pure data. */
export interface RunSpec {
  template: string;
  params: Params;
  /** Image to run; for templates with a build section it is filled in once the image is built. */
  image?: string;
  build?: BuildSpec;
  command: string[];
  args: string[];
  env: Record<string, string>;
  /** Template folder (absolute); the process runtime runs the command here. */
  workdir: string;
  resources: { cpu?: string; memory?: string; gpu: number };
  job: {
    activeDeadlineSeconds?: number;
    backoffLimit: number;
    ttlSecondsAfterFinished?: number;
    nodeSelector?: Record<string, string>;
    tolerations?: Toleration[];
    /** Kubernetes volume objects and their mounts, passed through as written in the template. */
    volumes?: Record<string, unknown>[];
    volumeMounts?: Record<string, unknown>[];
    /** Environment variables read from Kubernetes Secrets: name → the Secret and the key in it. */
    secretEnv?: Record<string, SecretKeyRef>;
    /** Secrets holding the registry credentials the cluster pulls the image with. */
    imagePullSecrets?: string[];
    /** The Kubernetes service account the job's pod runs as. */
    serviceAccountName?: string;
  };
  /** A template's own progress regex (named groups: current, total, or any metric name). */
  progressPattern?: string;
  /**
   * Code cloned from git into the job's working directory before it starts (the template's
   * `code:`, its ref replaced by `--ref`). The URL may hold credentials: never shown unredacted.
   */
  code?: { git: string; ref?: string };
  /** Artifacts of earlier runs this run reads, read-only, under TRAINYARD_INPUTS (pipeline steps). */
  inputs?: RunInput[];
  /**
   * The template's objective when the run was planned: the metric its runs are judged by. The
   * live card's sparkline follows it and the run's chart marks its best value.
   */
  objective?: { metric: string; goal: 'min' | 'max' };
}

/**
 * One earlier run whose artifacts folder a run sees at `TRAINYARD_INPUTS/<path>/`: `path` is the
 * step's name (`prep`), or `<step>/<index>` for each run of a fanned-out step (`train/2`).
 */
export interface RunInput {
  path: string;
  runId: string;
}

/** One file a run left in its artifacts folder (path relative to it, size in bytes). */
export interface ArtifactFile {
  name: string;
  size: number;
}

/**
 * What a run left in TRAINYARD_ARTIFACTS, as its completion notice lists it. Recorded once the
 * run has ended, before its notice.
 */
export interface RunArtifacts {
  /** False when nothing outlives the job (Kubernetes without TRAINYARD_ARTIFACTS_CLAIM). */
  kept: boolean;
  /** The first files (at most MAX_LISTED_ARTIFACTS), when the bot can see the folder. */
  files?: ArtifactFile[];
  /** How many files the folder holds in all. */
  count?: number;
}

/** How many of its artifacts a run's completion notice lists. */
export const MAX_LISTED_ARTIFACTS = 20;

export interface Progress {
  current: number;
  total: number;
  /** 'epoch', 'step', 'percent', 'build step' ... */
  unit: string;
}

/** A sample of metrics at a moment (ms since epoch). */
export interface MetricSample {
  at: number;
  values: Record<string, number>;
  /**
   * The progress `current` (e.g. the epoch) when the line was read, if the log had reported
   * progress by then: charts and early stopping put metrics over steps with it.
   */
  step?: number;
}

export interface MessageRef {
  channel: string;
  ts: string;
}

/** The service that started a run and reports for it (e.g. a sweep and its trials). */
export interface RunParent {
  /** What the parent is: `sweep`, `pipeline` ... */
  kind: string;
  id: string;
}

export interface Run {
  /** Stable id, used in labels: `r-` + 10 base36 chars. */
  id: string;
  /** Short number shown to people: #42. */
  number: number;
  spec: RunSpec;
  /** `--option value` pairs it was launched with, so a rerun repeats them. */
  options?: Record<string, string>;
  state: RunState;
  /**
   * Why the run is in its state (pending reason, failure reason...). Plain text for people; it may
   * quote the cluster or the job, so it never carries markup (the views escape it).
   */
  reason?: string;
  /** Who stopped the run (Slack id), when a person did; shown as a mention beside the reason. */
  stoppedBy?: string;
  exitCode?: number;
  /** Slack user id (or the console user). */
  launchedBy: string;
  channel: string;
  /** Name of the schedule that started it (also in `origin`; cards and labels read it here). */
  schedule?: string;
  /** Run this one is a rerun of (also in `origin`). */
  rerunOf?: string;
  /** What started it; absent on runs stored before origins were recorded. */
  origin?: RunOrigin;
  /** Set when another service started it; runs that share a parent count as one against the policy's run limit. */
  parent?: RunParent;
  /**
   * Posts no card and no completion notice of its own: its parent reports for it. Otherwise a
   * normal run (status, logs and stop work).
   */
  quiet?: boolean;
  /** Extra labels for its Job, pod or container (e.g. `trainyard.io/sweep`); never override the run's own. */
  labels?: Record<string, string>;
  /** Extra annotations, as `labels`. */
  annotations?: Record<string, string>;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /**
   * When the run was last known to be alive. Set for lost runs (from RuntimeUpdate.lastSeenAt);
   * a lost run's endedAt is this time, since when exactly it ended is not known.
   */
  lastSeenAt?: string;
  /** The runtime it was launched on (cards name it); absent on runs stored before it was recorded. */
  runtime?: RuntimeKind;
  /**
   * One sentence saying what of its spec the runtime runs without (e.g. GPUs on the process
   * runtime), decided at launch; cards show it so nothing is ignored silently.
   */
  runtimeNote?: string;
  /** Where it runs: Job name, container id or pid, set by the runtime on submit. */
  placement?: { handle: string; namespace?: string };
  progress?: Progress;
  /** Latest value of each metric. */
  metrics: Record<string, number>;
  /** Bounded history of metric samples (for charts). */
  history: MetricSample[];
  /** Where the runtime's log stream is up to (opaque to all but the runtime); see RuntimeSink.log. */
  logCursor?: string;
  /** The run card, once posted. */
  card?: MessageRef;
  /**
   * Set once the completion notice went out (or, for a quiet run, was not needed), so a restart
   * never sends it twice.
   */
  noticeSent?: boolean;
  /**
   * `false` from the notice until the whole log is in the card's thread, `true` after. Absent on
   * runs from before it was tracked apart from the notice: nothing is pending for those.
   */
  logUploaded?: boolean;
  /**
   * The card does not show the run's latest state: its update was still waiting when the bot shut
   * down. The card is brought up to date after the next start.
   */
  cardStale?: boolean;
  /**
   * Text outputs the job set with `::output name=value` log lines (last value wins); see
   * run-outputs.ts, whose runOutputs adds the final metrics.
   */
  outputs?: Record<string, string>;
  /** What made this run: template version, image, code, origin and the runs it consumed. */
  lineage?: RunLineage;
  /** What it left in its artifacts folder; recorded when it ended. */
  artifacts?: RunArtifacts;
}

/**
 * Everything needed to answer "which data and which code made this?" for one run. Recorded
 * once, before the job starts (the commit as soon as the clone resolves it); never rewritten.
 * Params and launcher are in the run itself (spec.params, launchedBy).
 */
export interface RunLineage {
  /** The template's name and the sha256 (hex) of its file's text when the run was created. */
  template: { name: string; hash: string };
  /** Image the job ran: a content tag or a digest when known. */
  image?: string;
  /** Code from git: the clone URL with credentials removed (see redactGitUrl), the ref asked for. */
  code?: { repo: string; ref?: string };
  /** Full commit SHA the code was checked out at. */
  commit?: string;
  origin: RunOrigin;
  /** Ids of the runs whose outputs or artifacts this run consumed, in the order it read them. */
  inputs: string[];
}

/**
 * Why a run exists (for lineage and for people): a typed command, a rerun of another run, a
 * schedule, a sweep's trial or a pipeline's step. Numbers of sweeps and pipelines are kept beside their ids so a view can
 * name them (`sweep #57`) even once the sweep or pipeline record is gone.
 */
export type RunOrigin =
  | { kind: 'command' }
  /** `runNumber` is kept so the origin can be named once the earlier run is no longer kept. */
  | { kind: 'rerun'; runId: string; runNumber?: number }
  | { kind: 'schedule'; name: string }
  | { kind: 'sweep'; sweepId: string; sweepNumber?: number; trial: number }
  | { kind: 'pipeline'; pipelineId: string; pipelineNumber?: number; step: string };
