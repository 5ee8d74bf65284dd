import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { FileStoreOptions } from '../../../src/adapters/store/file-store-options.ts';
import type { HistoryPoint } from '../../../src/adapters/store/history/record-kind.ts';
import { type CrashChildConfig, type CrashChildEvent, parseEvent } from './store-crash-child.ts';

// kill -9 at any moment loses nothing a flush acknowledged and duplicates nothing: a child process
// writes runs through the real FileStore (tiny segments, so it rolls over every few runs) until it
// is killed, at a random moment or exactly at a write's named moment; then the store must open and
// hold every acknowledged run exactly once, in its latest acknowledged form (or a later one).

const CHILD = fileURLToPath(new URL('./store-crash-child.ts', import.meta.url));

// Where and when the kills land changes from run to run; a failure names the seed to repeat it with.
const SEED = Number(process.env.STORE_CRASH_SEED ?? Date.now() % 1_000_000);
let state = SEED;
const random = (n: number) => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state % n;
};

/** What the child said about one run number: its saves in order, and how many were acknowledged. */
interface Saves {
  reasons: string[];
  acked: number;
}

class Ledger {
  readonly runs = new Map<number, Saves>();

  record(event: CrashChildEvent): void {
    let saves = this.runs.get(event.number);
    if (!saves) {
      saves = { reasons: [], acked: 0 };
      this.runs.set(event.number, saves);
    }
    if (event.kind === 'save') saves.reasons.push(event.reason);
    else saves.acked = saves.reasons.lastIndexOf(event.reason) + 1;
  }

  /** Reasons a run may have after a crash: its last acknowledged one or any saved after it. */
  allowed(n: number): string[] {
    const saves = this.runs.get(n);
    return saves ? saves.reasons.slice(Math.max(0, saves.acked - 1)) : [];
  }

  ackedNumbers(): number[] {
    return [...this.runs].filter(([, s]) => s.acked > 0).map(([n]) => n);
  }
}

interface Kill {
  /** Kill once this many runs have been acknowledged in this round, after `delayMs`. */
  afterAcks?: number;
  delayMs?: number;
  /** Or let the child kill itself at the nth time a write reaches this point. */
  at?: { point: HistoryPoint; nth: number };
}

async function runChild(config: CrashChildConfig, kill: Kill, ledger: Ledger): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let acks = 0;
  let killedAt = '';
  let pending = '';
  // A kill point that is never reached must not hang the test: kill anyway, and the test fails below.
  const limit = kill.afterAcks ?? 5000;
  child.stdout.on('data', (data: Buffer) => {
    const lines = (pending + data.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('kill ')) killedAt = line;
      const event = parseEvent(line);
      if (!event) continue;
      ledger.record(event);
      if (event.kind === 'ack' && ++acks === limit) {
        setTimeout(() => child.kill('SIGKILL'), kill.delayMs ?? 0);
      }
    }
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_, s) => resolve(s)),
  );
  assert.equal(signal, 'SIGKILL', `the child ended on its own: ${stderr}`);
  if (kill.at) assert.equal(killedAt, `kill ${kill.at.point} ${kill.at.nth}`, 'killed where it was told to');
}

/** Opens the store as the bot would after the crash and checks it against the ledger. */
async function check(dataDir: string, opts: FileStoreOptions, ledger: Ledger, keptAtLeast?: number) {
  const store = await FileStore.open(dataDir, opts);
  try {
    const all = await store.loadRuns({ limit: Number.MAX_SAFE_INTEGER });
    assert.equal(new Set(all.map((r) => r.id)).size, all.length, 'no run is listed twice');
    assert.equal(new Set(all.map((r) => r.number)).size, all.length, 'no number is listed twice');
    for (const run of all) {
      assert.ok(ledger.allowed(run.number).includes(run.reason ?? ''), `#${run.number} is "${run.reason}"`);
      const running = run.reason?.startsWith('running-');
      assert.equal(run.state === 'running', running, `#${run.number} is ${run.state} as "${run.reason}"`);
    }
    const present = new Set(all.map((r) => r.number));
    let acked = ledger.ackedNumbers();
    if (keptAtLeast !== undefined) {
      // Retention keeps at least that many (the newest, as nothing is saved again here), so what
      // is gone is only ever the oldest.
      assert.ok(all.length >= Math.min(keptAtLeast, acked.length), `${all.length} runs kept`);
      const oldestKept = Math.min(...present);
      acked = acked.filter((n) => n >= oldestKept);
    }
    for (const n of acked) {
      assert.ok(present.has(n), `acknowledged run #${n} is listed (listed: ${[...present].join(' ')})`);
      const run = await store.loadRunByNumber(n);
      assert.ok(ledger.allowed(n).includes(run?.reason ?? ''), `#${n} has its latest acknowledged state`);
    }
    // A number handed out but never flushed may be handed out again; one in use, never.
    const next = store.nextRunNumber();
    assert.ok(next > Math.max(0, ...present, ...ledger.ackedNumbers()), 'no number in use is handed out');
    return all.length;
  } finally {
    await store.close();
  }
}

describe('FileStore under kill -9', { concurrency: false }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trainyard-crash-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Tiny segments (a handful of runs each) and a tiny live window: every write moves runs.
  const store: FileStoreOptions = { liveFinished: 3, segmentBytes: 2500, writeIntervalMs: 1 };

  it('loses and duplicates nothing when killed at random moments or at any write moment', async (t) => {
    t.diagnostic(`STORE_CRASH_SEED=${SEED} repeats these kills`);
    const dataDir = join(dir, 'history');
    const ledger = new Ledger();
    const points: HistoryPoint[] = ['segment-appended', 'segment-sealed', 'live-written'];
    const kills: Kill[] = [
      ...points.map((point) => ({ at: { point, nth: 1 + random(30) } })),
      ...[0, 1, 2, 3].map(() => ({ afterAcks: 5 + random(150), delayMs: random(30) })),
    ];
    for (const [round, kill] of kills.entries()) {
      const config: CrashChildConfig = { dataDir, store, killAt: kill.at, resave: true, seed: SEED + round };
      await runChild(config, kill, ledger);
      await check(dataDir, store, ledger);
    }
    assert.ok(ledger.ackedNumbers().length > 100, 'enough runs went through to move many');
  });

  it('loses nothing within retention when killed while dropping old segments', async (t) => {
    t.diagnostic(`STORE_CRASH_SEED=${SEED} repeats these kills`);
    const dataDir = join(dir, 'retention');
    const ledger = new Ledger();
    const retained = { ...store, retention: 20 };
    const kills: Kill[] = [
      { at: { point: 'segment-dropped', nth: 1 + random(5) } },
      { at: { point: 'sidecar-dropped', nth: 1 + random(5) } },
      { afterAcks: 20 + random(80), delayMs: random(10) },
    ];
    for (const [round, kill] of kills.entries()) {
      const config: CrashChildConfig = {
        dataDir,
        store: retained,
        killAt: kill.at,
        resave: false,
        seed: SEED + round,
      };
      await runChild(config, kill, ledger);
      const kept = await check(dataDir, retained, ledger, 20);
      assert.ok(kept < ledger.runs.size, 'old segments were dropped');
    }
  });
});
