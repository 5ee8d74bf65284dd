// Runs as the store holds them after real training jobs, for bench/store.bench.ts.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '../src/adapters/store/FileStore.ts';
import type { MetricSample, Run } from '../src/core/run/run.ts';

// Samples a finished run keeps (the store thins longer histories to 30 at the end).
const HISTORY = 30;
const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export const benchRunId = (n: number) => `r-${n.toString(36).padStart(10, '0')}`;

function history(n: number, started: number): MetricSample[] {
  const samples: MetricSample[] = [];
  for (let i = 0; i < HISTORY; i++) {
    samples.push({
      at: started + i * 30_000,
      // Values as training scripts print them (4 decimals), which is what the parser stores.
      values: {
        loss: round(2 / (i + 1) + ((n * 7919 + i) % 100) / 10_000),
        acc: round(1 - 1 / (i + 2)),
        lr: round(0.01 * 0.97 ** i, 6),
      },
    });
  }
  return samples;
}

/** A finished resnet run with its card, notice sent; one in ten failed. Twenty launchers. */
export function finishedRun(n: number): Run {
  const started = Date.UTC(2026, 0, 1) + n * 60_000;
  const samples = history(n, started);
  return {
    id: benchRunId(n),
    number: n,
    spec: {
      template: 'resnet',
      params: { epochs: 30, lr: 0.01, batch_size: 128, gpus: 1 },
      image: 'registry.example.com/ml/resnet:3f2a9c1',
      command: ['python', 'train.py'],
      args: ['--epochs', '30', '--lr', '0.01', '--batch-size', '128'],
      env: { PYTHONUNBUFFERED: '1', DATA_DIR: '/data/cifar10' },
      workdir: '/srv/trainyard/manifests/resnet',
      resources: { cpu: '4', memory: '16Gi', gpu: 1 },
      job: { backoffLimit: 0, activeDeadlineSeconds: 86400, ttlSecondsAfterFinished: 3600 },
    },
    state: n % 10 === 0 ? 'failed' : 'succeeded',
    reason: n % 10 === 0 ? 'OOMKilled' : undefined,
    exitCode: n % 10 === 0 ? 137 : 0,
    launchedBy: `U024BE7L${n % 20}`,
    channel: 'C0123456789',
    createdAt: new Date(started - 5000).toISOString(),
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(started + HISTORY * 30_000).toISOString(),
    placement: { handle: `resnet-${n}-x7k2p`, namespace: 'ml-team' },
    progress: { current: 30, total: 30, unit: 'epoch' },
    metrics: samples[samples.length - 1].values,
    history: samples,
    card: { channel: 'C0123456789', ts: `1767225600.${String(n).padStart(6, '0')}` },
    noticeSent: true,
  };
}

/** The same run while it trains: at `epoch` of 30, its history so far. */
export function activeRun(n: number, epoch: number): Run {
  const run = finishedRun(n);
  const samples = run.history.slice(0, Math.max(1, epoch));
  return {
    ...run,
    state: 'running',
    reason: undefined,
    exitCode: undefined,
    endedAt: undefined,
    noticeSent: undefined,
    progress: { current: epoch, total: 30, unit: 'epoch' },
    metrics: samples[samples.length - 1].values,
    history: samples,
  };
}

/** Writes a store of `finished` finished runs and `active` running ones, through FileStore. */
export async function buildStore(dir: string, finished: number, active: number): Promise<void> {
  const store = await FileStore.open(dir, { retention: finished * 2 });
  for (let n = 1; n <= finished; n++) {
    store.saveRun(finishedRun(n));
    if (n % 2000 === 0) await store.flush();
  }
  for (let n = finished + 1; n <= finished + active; n++) store.saveRun(activeRun(n, 10));
  await store.close();
}

export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}
