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
import {
  type CrashChildConfig,
  type CrashChildEvent,
  isRunning,
  KINDS,
  type Kind,
  parseEvent,
  reasonOf,
} from './store-crash-child.ts';

// kill -9 at any moment loses nothing a flush acknowledged and duplicates nothing: a child process
// writes runs, sweeps and pipelines through the real FileStore (tiny segments, so each kind rolls
// over every few records) until it is killed, at a random moment or exactly at a write's named
// moment in one kind's history; then the store must open and hold every acknowledged record
// exactly once, in its latest acknowledged form (or a later one).

const CHILD = fileURLToPath(new URL('./store-crash-child.ts', import.meta.url));

// Where and when the kills land changes from run to run; a failure names the seed to repeat it with.
const SEED = Number(process.env.STORE_CRASH_SEED ?? Date.now() % 1_000_000);
let state = SEED;
// The high bits: the low bits of this generator repeat with a short period (the lowest alternates).
const random = (n: number) => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return Math.floor((state / 2 ** 31) * n);
};

/** What the child said about one record: its saves in order, and how many were acknowledged. */
interface Saves {
  reasons: string[];
  acked: number;
}

class Ledger {
  /** By kind, then number. */
  readonly records = new Map<Kind, Map<number, Saves>>(KINDS.map((k) => [k, new Map()]));

  record(event: CrashChildEvent): void {
    const ofKind = this.records.get(event.record) as Map<number, Saves>;
    let saves = ofKind.get(event.number);
    if (!saves) {
      saves = { reasons: [], acked: 0 };
      ofKind.set(event.number, saves);
    }
    if (event.kind === 'save') saves.reasons.push(event.reason);
    else saves.acked = saves.reasons.lastIndexOf(event.reason) + 1;
  }

  /** Reasons a record may have after a crash: its last acknowledged one or any saved after it. */
  allowed(kind: Kind, n: number): string[] {
    const saves = this.records.get(kind)?.get(n);
    return saves ? saves.reasons.slice(Math.max(0, saves.acked - 1)) : [];
  }

  ackedNumbers(kind: Kind): number[] {
    return [...(this.records.get(kind) ?? [])].filter(([, s]) => s.acked > 0).map(([n]) => n);
  }

  saved(kind: Kind): number {
    return this.records.get(kind)?.size ?? 0;
  }
}

interface Kill {
  /** Kill once this many runs have been acknowledged in this round, after `delayMs`. */
  afterAcks?: number;
  delayMs?: number;
  /** Or let the child kill itself at the nth time a write reaches this point (in this kind's history). */
  at?: { point: HistoryPoint; nth: number; kind?: Kind };
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

/** Every record of a kind the store holds, live and archived, newest first. */
function everything(store: FileStore, kind: Kind): Promise<(object & { id: string; number: number })[]> {
  const limit = Number.MAX_SAFE_INTEGER;
  if (kind === 'run') return store.loadRuns({ limit });
  return (kind === 'sweep' ? store.sweeps : store.pipelines).loadNewest({ limit });
}

function byNumber(store: FileStore, kind: Kind, n: number): Promise<object | undefined> {
  if (kind === 'run') return store.loadRunByNumber(n);
  return (kind === 'sweep' ? store.sweeps : store.pipelines).loadByNumber(n);
}

/**
 * Opens the store as the bot would after the crash and checks it against the ledger, kind by kind.
 * Returns how many records of each kind it holds.
 */
async function check(dataDir: string, opts: FileStoreOptions, ledger: Ledger, keptAtLeast?: number) {
  const store = await FileStore.open(dataDir, opts);
  try {
    const kept = new Map<Kind, number>();
    const inUse = new Set<number>();
    for (const kind of KINDS) {
      const all = await everything(store, kind);
      kept.set(kind, all.length);
      assert.equal(new Set(all.map((r) => r.id)).size, all.length, `no ${kind} is listed twice`);
      assert.equal(new Set(all.map((r) => r.number)).size, all.length, `no ${kind} number is listed twice`);
      for (const record of all) {
        const reason = reasonOf(kind, record) ?? '';
        assert.ok(
          ledger.allowed(kind, record.number).includes(reason),
          `${kind} #${record.number} is "${reason}"`,
        );
        const running = reason.startsWith('running-');
        assert.equal(
          isRunning(kind, record),
          running,
          `${kind} #${record.number} is under way as "${reason}"`,
        );
        assert.ok(!inUse.has(record.number), `#${record.number} names one record of one kind`);
        inUse.add(record.number);
      }
      const present = new Set(all.map((r) => r.number));
      let acked = ledger.ackedNumbers(kind);
      if (keptAtLeast !== undefined) {
        // Retention keeps at least that many (the newest, as nothing is saved again here), so what
        // is gone is only ever the oldest settled ones. One left under way by a crash (acknowledged
        // as running, killed before it ended) is never archived, so never dropped: it stays.
        assert.ok(all.length >= Math.min(keptAtLeast, acked.length), `${all.length} ${kind}s kept`);
        const oldestKept = Math.min(...all.filter((r) => !isRunning(kind, r)).map((r) => r.number));
        const underWay = (n: number) => ledger.allowed(kind, n).every((r) => r.startsWith('running-'));
        acked = acked.filter((n) => n >= oldestKept || underWay(n));
      }
      for (const n of acked) {
        assert.ok(present.has(n), `acknowledged ${kind} #${n} is listed (listed: ${[...present].join(' ')})`);
        const reason = reasonOf(kind, await byNumber(store, kind, n)) ?? '';
        assert.ok(
          ledger.allowed(kind, n).includes(reason),
          `${kind} #${n} has its latest acknowledged state`,
        );
      }
    }
    // A number handed out but never flushed may be handed out again; one in use, never.
    const next = store.nextRunNumber();
    const used = KINDS.flatMap((kind) => ledger.ackedNumbers(kind));
    assert.ok(next > Math.max(0, ...inUse, ...used), 'no number in use is handed out');
    return kept;
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

  // Tiny segments (a handful of records each) and a tiny live window: every write moves some.
  const store: FileStoreOptions = {
    liveFinished: 3,
    segmentBytes: 2500,
    writeIntervalMs: 1,
    groups: { liveFinished: 3 },
  };

  it('loses and duplicates nothing when killed at random moments or at any write moment', async (t) => {
    t.diagnostic(`STORE_CRASH_SEED=${SEED} repeats these kills`);
    const dataDir = join(dir, 'history');
    const ledger = new Ledger();
    const inHistory: HistoryPoint[] = ['segment-appended', 'segment-sealed'];
    const kills: Kill[] = [
      // Each kind's appends and roll-overs: the first few of a kind happen early, so nth stays low.
      ...KINDS.flatMap((kind) => inHistory.map((point) => ({ at: { point, kind, nth: 1 + random(12) } }))),
      { at: { point: 'live-written', nth: 1 + random(30) } },
      ...[0, 1, 2, 3].map(() => ({ afterAcks: 5 + random(150), delayMs: random(30) })),
    ];
    for (const [round, kill] of kills.entries()) {
      const config: CrashChildConfig = { dataDir, store, killAt: kill.at, resave: true, seed: SEED + round };
      await runChild(config, kill, ledger);
      await check(dataDir, store, ledger);
    }
    for (const kind of KINDS) {
      assert.ok(ledger.ackedNumbers(kind).length > 30, `enough ${kind}s went through to move many`);
    }
  });

  it('loses nothing within retention when killed while dropping old segments', async (t) => {
    t.diagnostic(`STORE_CRASH_SEED=${SEED} repeats these kills`);
    const dataDir = join(dir, 'retention');
    const ledger = new Ledger();
    const retained = { ...store, retention: 20, groups: { ...store.groups, retention: 20 } };
    const kills: Kill[] = [
      ...KINDS.map((kind) => ({ at: { point: 'segment-dropped' as const, kind, nth: 1 + random(4) } })),
      { at: { point: 'sidecar-dropped', kind: KINDS[random(3)], nth: 1 + random(4) } },
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
      await check(dataDir, retained, ledger, 20);
    }
    const kept = await check(dataDir, retained, ledger, 20);
    for (const kind of KINDS) {
      assert.ok((kept.get(kind) ?? 0) < ledger.saved(kind), `old ${kind} segments were dropped`);
    }
  });
});
