import { type ChildProcess, spawn } from 'node:child_process';
import type { Run } from '../../../core/run/run.ts';
import type { Placement, Runtime, RuntimeSink } from '../../../ports/runtime.ts';
import { createLineSplitter } from '../../../shared/line-splitter.ts';
import type { Logger } from '../../../shared/log.ts';

export interface ProcessRuntimeOptions {
  log: Logger;
  /** How long a stopped run gets between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** The bot's environment; only harmless variables from it reach jobs (never Slack tokens). */
  env?: NodeJS.ProcessEnv;
}

/** Variables a job inherits from the bot: enough to find programs and libraries, nothing secret. */
const INHERITED_ENV =
  /^(PATH|HOME|LANG|LC_[A-Z]+|TZ|TMPDIR|TEMP|TMP|USER|SHELL|TERM|PYTHONPATH|VIRTUAL_ENV|CONDA_PREFIX|CUDA_VISIBLE_DEVICES|LD_LIBRARY_PATH)$/;

interface Tracked {
  child: ChildProcess;
  stopReason?: string;
  deadlineHit?: number;
  timers: NodeJS.Timeout[];
}

/**
 * Runs each job as a local process: the template's command and args exactly as given
 * (no shell), in the template's folder. For trying Trainyard without a cluster.
 */
export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const;
  readonly location = 'this machine';
  private sink?: RuntimeSink;
  private readonly procs = new Map<string, Tracked>();
  private readonly graceMs: number;
  private readonly baseEnv: Record<string, string>;
  private readonly killAll = () => {
    for (const t of this.procs.values()) signalGroup(t.child, 'SIGKILL');
  };

  constructor(opts: ProcessRuntimeOptions) {
    this.graceMs = opts.graceMs ?? 10_000;
    this.baseEnv = Object.fromEntries(
      Object.entries(opts.env ?? process.env).filter(([k, v]) => INHERITED_ENV.test(k) && v !== undefined),
    ) as Record<string, string>;
  }

  async start(sink: RuntimeSink): Promise<void> {
    this.sink = sink;
    // Jobs run in their own process groups; make sure none outlives the bot.
    process.on('exit', this.killAll);
  }

  ready(): boolean {
    return this.sink !== undefined;
  }

  /** Nothing to mirror: the processes of this bot are all there is. */
  async whenSynced(): Promise<void> {}

  async submit(run: Run): Promise<Placement> {
    const sink = this.sink;
    if (!sink) throw new Error('the process runtime is not started');
    const { spec } = run;
    const [program, ...rest] = spec.command.length ? spec.command : spec.args;
    const args = spec.command.length ? [...rest, ...spec.args] : rest;
    if (!program) throw new Error(`template ${spec.template} has no command to run`);
    // `node` means the Node that runs Trainyard, so the demo works wherever the bot does.
    const executable = program === 'node' ? process.execPath : program;
    const child = spawn(executable, args, {
      cwd: spec.workdir,
      env: {
        ...this.baseEnv,
        ...spec.env,
        TRAINYARD_RUN_ID: run.id,
        TRAINYARD_RUN_NUMBER: String(run.number),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const tracked: Tracked = { child, timers: [] };
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
      tracked.timers.push(
        setTimeout(() => {
          tracked.deadlineHit = deadline;
          this.terminate(tracked);
        }, deadline * 1000),
      );
    }
    // 'close' comes after stdout and stderr are drained, so every line arrives before the end.
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      tracked.timers.forEach(clearTimeout);
      this.procs.delete(run.id);
      sink.update(run.id, endState(program, code, signal, tracked, spawnError));
    });
    return { handle: child.pid ? `pid ${child.pid}` : 'not started' };
  }

  async stop(run: Run): Promise<void> {
    const tracked = this.procs.get(run.id);
    if (!tracked) {
      this.sink?.update(run.id, { state: 'stopped' });
      return;
    }
    tracked.stopReason = 'stopped';
    this.terminate(tracked);
  }

  private terminate(tracked: Tracked): void {
    signalGroup(tracked.child, 'SIGTERM');
    const kill = setTimeout(() => signalGroup(tracked.child, 'SIGKILL'), this.graceMs);
    kill.unref();
    tracked.timers.push(kill);
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
          this.terminate(t);
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
) {
  if (spawnError) {
    const reason =
      spawnError.code === 'ENOENT'
        ? `The command "${program}" was not found on this machine; install it or run this template on a cluster.`
        : `The command "${program}" could not be started (${spawnError.code ?? spawnError.message}).`;
    return { state: 'failed' as const, reason };
  }
  if (tracked.deadlineHit) {
    return {
      state: 'failed' as const,
      reason: `It ran past its deadline of ${tracked.deadlineHit} s (DeadlineExceeded).`,
    };
  }
  if (tracked.stopReason) {
    const reason = tracked.stopReason === 'stopped' ? {} : { reason: tracked.stopReason };
    return { state: 'stopped' as const, ...reason, ...(code !== null ? { exitCode: code } : {}) };
  }
  if (code === 0) return { state: 'succeeded' as const, exitCode: 0 };
  if (code !== null)
    return { state: 'failed' as const, exitCode: code, reason: `The process exited with code ${code}.` };
  return { state: 'failed' as const, reason: `The process was killed by ${signal}.` };
}
