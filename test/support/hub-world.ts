import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MetricsRegistry } from '../../src/adapters/http/metrics.ts';
import { FileLogArchive } from '../../src/adapters/store/FileLogArchive.ts';
import { FileStore } from '../../src/adapters/store/FileStore.ts';
import type { FileStoreOptions } from '../../src/adapters/store/file-store-options.ts';
import { createTemplateSource } from '../../src/adapters/templates/template-source.ts';
import type { Run } from '../../src/core/run/run.ts';
import type { ChartRenderer } from '../../src/ports/chart-renderer.ts';
import type { ChatHandlers } from '../../src/ports/chat.ts';
import type { ImageBuilder } from '../../src/ports/image-builder.ts';
import type { Policy } from '../../src/ports/policy.ts';
import { Hub } from '../../src/services/Hub.ts';
import { silentLogger } from '../../src/shared/log.ts';
import { FakeRuntime } from './fake-runtime.ts';
import { RecordingChat } from './recording-chat.ts';

export const alice = { user: 'UALICE', channel: 'CML' };
export const bob = { user: 'UBOB', channel: 'CML' };
export const templates = createTemplateSource(join(import.meta.dirname, '../../manifests'));

/** At most 4 GPUs per run; UADMIN may stop anyone's run. */
export const testPolicy: Policy = {
  isAdmin: (u) => u === 'UADMIN',
  checkLaunch: (_u, _c, spec) => (spec.resources.gpu > 4 ? 'At most 4 GPUs per run.' : undefined),
  mayStop: (u, run) => u === run.launchedBy || u === 'UADMIN',
};

export interface World {
  dir: string;
  store: FileStore;
  logs: FileLogArchive;
  chat: RecordingChat;
  runtime: FakeRuntime;
  hub: Hub;
  /** The registry behind the bot's /metrics. */
  metrics: MetricsRegistry;
  /** The door the hub opened in the chat: what a chat adapter delivers to. */
  door: ChatHandlers;
}

export interface WorldOptions {
  /** Sets up the runtime before the hub starts (what it reports on recovery, a held-back sync). */
  prepare?: (runtime: FakeRuntime) => void;
  policy?: Policy;
  builder?: ImageBuilder;
  /** Sets up the chat before the hub starts (e.g. a slow one). */
  chat?: (chat: RecordingChat) => void;
  /** How the store writes (e.g. a long write interval, so a simulated kill finds changes unwritten). */
  store?: FileStoreOptions;
  /** The runtime to use instead of a fresh FakeRuntime (e.g. one that shares jobs across restarts). */
  runtime?: FakeRuntime;
  /** Draws charts (absent: the hub draws none). */
  charts?: ChartRenderer;
  homeRefreshMs?: number;
}

/** A started hub over the store in `dir`, with a recording chat and a hand-driven runtime. */
export async function world(dir: string, opts: WorldOptions = {}): Promise<World> {
  const store = await FileStore.open(dir, opts.store);
  const logs = new FileLogArchive(dir);
  const chat = new RecordingChat();
  const runtime = opts.runtime ?? new FakeRuntime();
  opts.prepare?.(runtime);
  opts.chat?.(chat);
  const metrics = new MetricsRegistry();
  const hub = new Hub({
    store,
    templates,
    runtime,
    chat,
    policy: opts.policy ?? testPolicy,
    logs,
    builder: opts.builder,
    log: silentLogger,
    metrics,
    schedules: { timezone: 'UTC', minIntervalSeconds: 60 },
    charts: opts.charts,
    homeRefreshMs: opts.homeRefreshMs,
  });
  await hub.start();
  assert.ok(chat.handlers, 'the hub opened the door');
  return { dir, store, logs, chat, runtime, hub, metrics, door: chat.handlers };
}

/** Stops the bot and starts a new one over the same data folder, as a restart does. */
export async function restart(w: World, opts?: WorldOptions): Promise<World> {
  await close(w);
  return world(w.dir, opts);
}

export async function close(w: World): Promise<void> {
  await w.hub.close();
  await w.store.close();
}

/**
 * Lets every pending callback run, up to `rounds` turns of the event loop, until `done` holds.
 * Each turn waits for the loop's I/O too (a run is written to disk before its job is created).
 */
export async function settle(done: () => boolean, rounds = 100): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) await new Promise((r) => setTimeout(r, 1));
}

/** Resolves once `check` holds, looking every few milliseconds (for work that waits on files); fails after 10 s. */
export async function eventually(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), `timed out waiting for ${what}`);
}

/** Sends a command that must launch a run, and returns the run as the runtime received it (its card posted). */
export async function launched(w: World, text: string, from = alice): Promise<Run> {
  const before = w.runtime.submitted.length;
  await w.door.command(text, from);
  assert.deepEqual(w.chat.errors(), []);
  await eventually('the run to be submitted', () => w.runtime.submitted.length > before);
  const run = w.runtime.submitted.at(-1);
  assert.ok(run, 'the run was not submitted');
  // The card is posted once the Job exists (RunService.launch).
  await settle(() => w.store.getRun(run.id)?.card !== undefined);
  return run;
}
