// Spawned by FileStore.crash.test.ts: writes runs through the real FileStore as fast as it can and
// reports on stdout what it saved and what a flush acknowledged, until it is killed (by the test,
// or by itself at a chosen write moment). Imported by the test only for its types.
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { FileStoreOptions } from '../../../src/adapters/store/file-store-options.ts';
import type { HistoryPoint } from '../../../src/adapters/store/history/record-kind.ts';
import { runId, settledRun } from './store-runs.ts';

export interface CrashChildConfig {
  dataDir: string;
  store: FileStoreOptions;
  /** Kill this process at the nth time the write reaches this point. */
  killAt?: { point: HistoryPoint; nth: number };
  /** Also save some older runs again (they come back live, then are archived again). */
  resave: boolean;
  seed: number;
}

/**
 * One stdout line per event: `save <number> <reason>` before saveRun, `ack <number> <reason>` after
 * flush, and `kill <point> <nth>` just before it kills itself.
 */
export type CrashChildEvent = { kind: 'save' | 'ack'; number: number; reason: string };

export function parseEvent(line: string): CrashChildEvent | undefined {
  const [kind, number, reason] = line.split(' ');
  if ((kind !== 'save' && kind !== 'ack') || reason === undefined) return undefined;
  return { kind, number: Number(number), reason };
}

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

async function main(config: CrashChildConfig): Promise<void> {
  let reached = 0;
  const hook = (point: HistoryPoint) => {
    if (point !== config.killAt?.point || ++reached !== config.killAt.nth) return;
    say(`kill ${point} ${reached}`);
    process.kill(process.pid, 'SIGKILL');
  };
  const store = await FileStore.open(config.dataDir, { ...config.store, hook });
  let random = config.seed;
  const next = (n: number) => {
    random = (random * 1103515245 + 12345) % 2 ** 31;
    return random % n;
  };
  for (;;) {
    // A few changes per flush, as a busy bot coalesces them.
    const saved: [number, string][] = [];
    for (let k = 1 + next(4); k > 0; k--) {
      const n = store.nextRunNumber();
      const launchedBy = `U${n % 3}`;
      // Running first; sometimes written (and acknowledged) so before it ends, so that a later
      // write may append the ended run to history while the live file still says running.
      say(`save ${n} running-${n}`);
      store.saveRun({
        ...settledRun(n, { reason: `running-${n}`, launchedBy }),
        state: 'running',
        noticeSent: undefined,
      });
      if (next(3) === 0) {
        await store.flush();
        say(`ack ${n} running-${n}`);
      }
      say(`save ${n} ended-${n}`);
      store.saveRun(settledRun(n, { reason: `ended-${n}`, launchedBy }));
      saved.push([n, `ended-${n}`]);
      const old = n - 10 - next(10);
      const archived =
        config.resave && old > 0 && next(3) === 0 ? await store.loadRun(runId(old)) : undefined;
      // A run left running by an earlier crash stays as it is, so a run's reason says its state.
      if (archived && archived.state !== 'running') {
        const again = `again-${n}`;
        say(`save ${old} ${again}`);
        store.saveRun({ ...archived, reason: again });
        saved.push([old, again]);
      }
    }
    await store.flush();
    for (const [n, reason] of saved) say(`ack ${n} ${reason}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(JSON.parse(process.argv[2]) as CrashChildConfig);
}
