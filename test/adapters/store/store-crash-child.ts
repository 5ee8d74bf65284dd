// Spawned by FileStore.crash.test.ts: writes runs, sweeps and pipelines through the real FileStore
// as fast as it can and reports on stdout what it saved and what a flush acknowledged, until it is
// killed (by the test, or by itself at a chosen write moment). Imported by the test for its types
// and for how a record carries its ledger entry.
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { FileStoreOptions } from '../../../src/adapters/store/file-store-options.ts';
import type { HistoryPoint } from '../../../src/adapters/store/history/record-kind.ts';
import type { PipelineRun } from '../../../src/core/pipeline/pipeline-run.ts';
import type { Run } from '../../../src/core/run/run.ts';
import type { Sweep } from '../../../src/core/sweep/sweep.ts';
import { pipelines, sweeps } from './store-groups.ts';
import { runId, settledRun } from './store-runs.ts';

export const KINDS = ['run', 'sweep', 'pipeline'] as const;
export type Kind = (typeof KINDS)[number];
/** Each kind's name in the store's history files and hook calls. */
export const HISTORY_NAME: Record<Kind, string> = { run: 'runs', sweep: 'sweeps', pipeline: 'pipelines' };

export interface CrashChildConfig {
  dataDir: string;
  store: FileStoreOptions;
  /** Kill this process at the nth time the write reaches this point (for this kind's history, if given). */
  killAt?: { point: HistoryPoint; nth: number; kind?: Kind };
  /** Also save some older records again (they come back live, then are archived again). */
  resave: boolean;
  seed: number;
}

/**
 * One stdout line per event: `save <kind> <number> <reason>` before a save, `ack <kind> <number>
 * <reason>` after the flush, and `kill <point> <nth>` just before it kills itself.
 */
export type CrashChildEvent = { kind: 'save' | 'ack'; record: Kind; number: number; reason: string };

export function parseEvent(line: string): CrashChildEvent | undefined {
  const [kind, record, number, reason] = line.split(' ');
  if ((kind !== 'save' && kind !== 'ack') || reason === undefined) return undefined;
  if (!(KINDS as readonly string[]).includes(record)) return undefined;
  return { kind, record: record as Kind, number: Number(number), reason };
}

/**
 * Where a record carries its ledger entry: runs and sweeps in their `reason`, pipelines in `note`,
 * a field the store does not know (so the test also shows such fields survive every move).
 */
export const reasonOf = (kind: Kind, record: object | undefined): string | undefined =>
  (record as { reason?: string; note?: string } | undefined)?.[kind === 'pipeline' ? 'note' : 'reason'];

/** Whether a record found after the crash is under way (its ledger entry must then say running-). */
export const isRunning = (kind: Kind, record: object): boolean =>
  kind === 'run'
    ? (record as { state: string }).state === 'running'
    : kind === 'sweep'
      ? (record as { state: string }).state === 'running'
      : (record as { end?: unknown }).end === undefined;

/**
 * Writes a whole line to stdout before going on (an acknowledgement must be out before the next
 * write can be killed). stdout is a pipe the test reads: when it is full, wait for it to drain.
 */
function say(line: string): void {
  const bytes = Buffer.from(`${line}\n`);
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(1, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/** Saving, reading back and re-saving one kind, each record carrying its ledger entry. */
function kindsOf(store: FileStore) {
  const extra = (kind: Kind, reason: string, launchedBy: string) =>
    kind === 'pipeline' ? { note: reason, launchedBy } : { reason, launchedBy };
  return {
    running(kind: Kind, n: number, reason: string, launchedBy: string): void {
      if (kind === 'run') {
        store.saveRun({ ...settledRun(n, { reason, launchedBy }), state: 'running', noticeSent: undefined });
      } else if (kind === 'sweep') store.sweeps.save(sweeps.active(n, extra(kind, reason, launchedBy)));
      else store.pipelines.save(pipelines.active(n, extra(kind, reason, launchedBy)));
    },
    settled(kind: Kind, n: number, reason: string, launchedBy: string): void {
      if (kind === 'run') store.saveRun(settledRun(n, { reason, launchedBy }));
      else if (kind === 'sweep') store.sweeps.save(sweeps.settled(n, extra(kind, reason, launchedBy)));
      else store.pipelines.save(pipelines.settled(n, extra(kind, reason, launchedBy)));
    },
    load(kind: Kind, n: number): Promise<object | undefined> {
      if (kind === 'run') return store.loadRun(runId(n));
      return kind === 'sweep' ? store.sweeps.loadByNumber(n) : store.pipelines.loadByNumber(n);
    },
    again(kind: Kind, record: object, reason: string): void {
      if (kind === 'run') store.saveRun({ ...(record as Run), reason });
      else if (kind === 'sweep') store.sweeps.save({ ...(record as Sweep), reason });
      else store.pipelines.save({ ...(record as PipelineRun), note: reason } as PipelineRun);
    },
  };
}

async function main(config: CrashChildConfig): Promise<void> {
  let reached = 0;
  const { killAt } = config;
  const hook = (point: HistoryPoint, history?: string) => {
    if (point !== killAt?.point || (killAt.kind && history !== HISTORY_NAME[killAt.kind])) return;
    if (++reached !== killAt.nth) return;
    say(`kill ${point} ${reached}`);
    process.kill(process.pid, 'SIGKILL');
  };
  const store = await FileStore.open(config.dataDir, { ...config.store, hook });
  const records = kindsOf(store);
  let random = config.seed;
  // The high bits: the low bits of this generator repeat with a short period (the lowest alternates).
  const next = (n: number) => {
    random = (random * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((random / 2 ** 31) * n);
  };
  for (;;) {
    // A few changes per flush, as a busy bot coalesces them.
    const saved: [Kind, number, string][] = [];
    for (let k = 1 + next(4); k > 0; k--) {
      // Half of them runs, the rest sweeps and pipelines: all from the one number sequence.
      const kind: Kind = next(2) === 0 ? 'run' : next(2) === 0 ? 'sweep' : 'pipeline';
      const n = store.nextRunNumber();
      const launchedBy = `U${n % 3}`;
      // Running first; sometimes written (and acknowledged) so before it ends, so that a later
      // write may append the ended record to history while the live file still says running.
      say(`save ${kind} ${n} running-${n}`);
      records.running(kind, n, `running-${n}`, launchedBy);
      if (next(3) === 0) {
        await store.flush();
        say(`ack ${kind} ${n} running-${n}`);
      }
      say(`save ${kind} ${n} ended-${n}`);
      records.settled(kind, n, `ended-${n}`, launchedBy);
      saved.push([kind, n, `ended-${n}`]);
      const old = n - 10 - next(10);
      const again = KINDS[next(3)];
      const archived = config.resave && old > 0 && next(3) === 0 ? await records.load(again, old) : undefined;
      // A record left running by an earlier crash stays as it is, so its reason says its state.
      if (archived && !isRunning(again, archived)) {
        const reason = `again-${n}`;
        say(`save ${again} ${old} ${reason}`);
        records.again(again, archived, reason);
        saved.push([again, old, reason]);
      }
    }
    await store.flush();
    for (const [kind, n, reason] of saved) say(`ack ${kind} ${n} ${reason}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(JSON.parse(process.argv[2]) as CrashChildConfig);
}
