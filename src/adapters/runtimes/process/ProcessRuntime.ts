import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { processEnvAllowList } from '../../../config/env.ts';
import { plural } from '../../../core/plural.ts';
import { kubernetesOnlyRefusal } from '../../../core/run/kubernetes-only.ts';
import type { Run, RunSpec, RuntimeUpdate } from '../../../core/run/run.ts';
import { runFolderEnv } from '../../../core/run/run-identity.ts';
import type { Placement, Runtime, RuntimeSink } from '../../../ports/runtime.ts';
import { type GraceKill, graceKill } from '../../../shared/grace-kill.ts';
import { createLineSplitter } from '../../../shared/line-splitter.ts';
import type { Logger } from '../../../shared/log.ts';
import { cloneRunCode, prepareRunFolders } from '../../../shared/run-folders.ts';

export interface ProcessRuntimeOptions {
  log: Logger;
  /** How long a stopped run gets between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** The bot's environment; only harmless variables from it reach jobs (never Slack tokens). */
  env?: NodeJS.ProcessEnv;
  /** More variables to pass on from `env` (TRAINYARD_PROCESS_ENV); read from `env` when not given. */
  passEnv?: string[];
  /**
   * TRAINYARD_DATA: each run gets its artifacts folder there (TRAINYARD_ARTIFACTS), its inputs
   * linked there (TRAINYARD_INPUTS) and its clone there. Without it, runs get none of these.
   */
  dataDir?: string;
}

/** Where a run's process starts and what it is told about its folders. */
interface Prepared {
  cwd: string;
  env: Record<string, string>;
  /** The run's clone of its code, removed when its process ends. */
  clone?: string;
}

/** Variables a job inherits from the bot: enough to find programs and libraries, nothing secret. */
const INHERITED_ENV =
  /^(PATH|HOME|LANG|LC_[A-Z]+|TZ|TMPDIR|TEMP|TMP|USER|SHELL|TERM|PYTHONPATH|VIRTUAL_ENV|CONDA_PREFIX|CUDA_VISIBLE_DEVICES|LD_LIBRARY_PATH)$/;

interface Tracked {
  child: ChildProcess;
  placement: Placement;
  stopReason?: string;
  deadlineHit?: number;
  deadline?: NodeJS.Timeout;
  stopping?: Promise<GraceKill>;
}

/**
 * Runs each job as a local process: the template's command and args exactly as given
 * (no shell), in the template's folder. For trying Trainyard without a cluster.
 */
export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const;
  readonly location = 'this machine';
  readonly keepsArtifacts: boolean;
  private sink?: RuntimeSink;
  private readonly procs = new Map<string, Tracked>();
  /** Submits under way (folders, clone), so a second submit of the run waits for the first. */
  private readonly submitting = new Map<string, Promise<Placement>>();
  private readonly dataDir?: string;
  private readonly graceMs: number;
  private readonly baseEnv: Record<string, string>;
  private readonly started: Promise<void>;
  private markStarted!: () => void;
  private readonly killAll = () => {
    for (const t of this.procs.values()) signalGroup(t.child, 'SIGKILL');
  };

  constructor(opts: ProcessRuntimeOptions) {
    this.graceMs = opts.graceMs ?? 10_000;
    this.dataDir = opts.dataDir;
    this.keepsArtifacts = opts.dataDir !== undefined;
    const env = opts.env ?? process.env;
    const passed = new Set(opts.passEnv ?? processEnvAllowList(env));
    this.baseEnv = Object.fromEntries(
      Object.entries(env).filter(([k, v]) => (INHERITED_ENV.test(k) || passed.has(k)) && v !== undefined),
    ) as Record<string, string>;
    this.started = new Promise((resolve) => {
      this.markStarted = resolve;
    });
  }

  async start(sink: RuntimeSink): Promise<void> {
    this.sink = sink;
    // Jobs run in their own process groups; make sure none outlives the bot.
    process.on('exit', this.killAll);
    this.markStarted();
  }

  ready(): boolean {
    return this.sink !== undefined;
  }

  /** There is no backend to sync with: resolves once started. */
  whenSynced(): Promise<void> {
    return this.started;
  }

  cannotHonour(spec: RunSpec): string | undefined {
    return kubernetesOnlyRefusal(spec, 'the process runtime');
  }

  /** Local processes get no GPUs set aside (they see whatever this machine has): say so rather than ignore it silently. */
  leavesOut(spec: RunSpec): string | undefined {
    const { gpu } = spec.resources;
    if (gpu <= 0) return undefined;
    return `The process runtime reserves no GPUs, so the ${plural(gpu, 'GPU')} this run asks for ${gpu === 1 ? 'is' : 'are'} not set aside for it.`;
  }

  async submit(run: Run): Promise<Placement> {
    const sink = this.sink;
    if (!sink) throw new Error('the process runtime is not started');
    const refusal = this.cannotHonour(run.spec);
    if (refusal) throw new Error(refusal);
    // The same run submitted again (a resume pass, a retried command) keeps its one process.
    const running = this.procs.get(run.id);
    if (running) return running.placement;
    const underway = this.submitting.get(run.id);
    if (underway) return underway;
    const submitting = this.prepare(run, sink)
      .then((prepared) => this.spawnRun(run, sink, prepared))
      .finally(() => this.submitting.delete(run.id));
    this.submitting.set(run.id, submitting);
    return submitting;
  }

  /**
   * The run's folders: its artifacts folder, links to its inputs' folders (symbolic links, so
   * a job could write through them: the process runtime runs jobs as the bot's own user and
   * does not enforce read-only inputs), and its clone, whose commit is reported before the
   * command starts.
   */
  private async prepare(run: Run, sink: RuntimeSink): Promise<Prepared> {
    const { spec } = run;
    const prepared: Prepared = { cwd: spec.workdir, env: {} };
    if (!this.dataDir) return prepared;
    const inputs = spec.inputs ?? [];
    const folders = await prepareRunFolders(this.dataDir, run.id, inputs, { links: true });
    Object.assign(
      prepared.env,
      runFolderEnv(folders.artifacts, inputs.length > 0 ? folders.inputs : undefined),
    );
    if (spec.code) {
      const commit = await cloneRunCode(folders, spec.code);
      sink.resolved?.(run.id, { commit });
      prepared.cwd = folders.code;
      // The clone is only the job's working copy (its commit is recorded): it goes when the job ends.
      prepared.clone = folders.code;
    }
    return prepared;
  }

  private spawnRun(run: Run, sink: RuntimeSink, prepared: Prepared): Placement {
    const { spec } = run;
    const [program, ...rest] = spec.command.length ? spec.command : spec.args;
    const args = spec.command.length ? [...rest, ...spec.args] : rest;
    if (!program) throw new Error(`template ${spec.template} has no command to run`);
    // `node` means the Node that runs Trainyard, so the demo works wherever the bot does.
    const executable = program === 'node' ? process.execPath : program;
    const child = spawn(executable, args, {
      cwd: prepared.cwd,
      env: {
        ...this.baseEnv,
        ...spec.env,
        ...prepared.env,
        TRAINYARD_RUN_ID: run.id,
        TRAINYARD_RUN_NUMBER: String(run.number),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const placement = { handle: child.pid ? `pid ${child.pid}` : 'not started' };
    const tracked: Tracked = { child, placement };
    this.procs.set(run.id, tracked);

    const out = createLineSplitter((lines) => sink.log(run.id, lines));
    const err = createLineSplitter((lines) => sink.log(run.id, lines));
    child.stdout?.setEncoding('utf8').on('data', (c: string) => out.push(c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => err.push(c));

    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.on('spawn', () => sink.update(run.id, { state: 'running' }));
    const deadline = spec.job.activeDeadlineSeconds;
    if (deadline) {
      tracked.deadline = setTimeout(() => {
        tracked.deadlineHit = deadline;
        void this.terminate(tracked);
      }, deadline * 1000);
    }
    // 'close' comes after stdout and stderr are drained, so every line arrives before the end.
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      clearTimeout(tracked.deadline);
      void tracked.stopping?.then((kill) => kill.cancel());
      this.procs.delete(run.id);
      sink.update(run.id, endState(program, code, signal, tracked, spawnError));
      if (prepared.clone) void rm(prepared.clone, { recursive: true, force: true }).catch(() => {});
    });
    return placement;
  }

  async stop(run: Run): Promise<void> {
    const tracked = this.procs.get(run.id);
    if (!tracked) {
      this.sink?.update(run.id, { state: 'stopped' });
      return;
    }
    tracked.stopReason = 'stopped';
    await this.terminate(tracked);
  }

  /** SIGTERM to the job's whole process group now, SIGKILL after the grace (a second stop keeps the first's). */
  private async terminate(tracked: Tracked): Promise<void> {
    const earlier = tracked.stopping;
    tracked.stopping = (async () =>
      graceKill({
        term: () => signalGroup(tracked.child, 'SIGTERM'),
        kill: () => signalGroup(tracked.child, 'SIGKILL'),
        graceMs: this.graceMs,
        pending: await earlier,
      }))();
    await tracked.stopping;
  }

  /** Local processes end with the bot, so whatever was in flight before a restart is gone. */
  async recover(runs: Run[]): Promise<void> {
    for (const run of runs) {
      this.sink?.update(run.id, {
        state: 'lost',
        reason: 'Trainyard restarted while it was running; local processes stop with the bot. Rerun it.',
      });
    }
  }

  async close(): Promise<void> {
    const ending = [...this.procs.values()].map(
      (t) =>
        new Promise<void>((resolve) => {
          t.child.once('close', () => resolve());
          t.stopReason = 'Trainyard was shut down while it ran.';
          void this.terminate(t);
        }),
    );
    await Promise.all(ending);
    process.off('exit', this.killAll);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function endState(
  program: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  tracked: Tracked,
  spawnError?: NodeJS.ErrnoException,
): RuntimeUpdate {
  if (spawnError) {
    const reason =
      spawnError.code === 'ENOENT'
        ? `The command "${program}" was not found on this machine; install it or run this template on a cluster.`
        : `The command "${program}" could not be started (${spawnError.code ?? spawnError.message}).`;
    return { state: 'failed', reason };
  }
  if (tracked.deadlineHit) {
    return {
      state: 'failed',
      reason: `It ran past its deadline of ${tracked.deadlineHit} s (DeadlineExceeded).`,
    };
  }
  if (tracked.stopReason) {
    const reason = tracked.stopReason === 'stopped' ? {} : { reason: tracked.stopReason };
    return { state: 'stopped', ...reason, ...(code !== null ? { exitCode: code } : {}) };
  }
  if (code === 0) return { state: 'succeeded', exitCode: 0 };
  if (code !== null)
    return { state: 'failed', exitCode: code, reason: `The process exited with code ${code}.` };
  return { state: 'failed', reason: `The process was killed by ${signal}.` };
}
