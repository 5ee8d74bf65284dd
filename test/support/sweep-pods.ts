import { join } from 'node:path';
import { ANNOTATIONS } from '../../src/core/run/run-identity.ts';
import type { PodScript } from './kube-api-server.ts';

/** Templates for sweeps against the fake cluster: `train` (lr, epochs, gpus; objective acc max). */
export const SWEEP_TEMPLATES = join(import.meta.dirname, '../fixtures/sweep-templates');

/** The accuracy a `train` trial reaches with this learning rate: best at 0.1, worse the further off. */
export function accuracyOf(lr: number): number {
  return Number((0.95 - 0.1 * Math.abs(Math.log10(lr) + 1)).toFixed(3));
}

/**
 * What the pod of a `train` trial prints (read from its Job's params annotation): one line per
 * epoch, its accuracy climbing to accuracyOf(lr) at the last one.
 */
export function trainingScript(
  // biome-ignore lint/suspicious/noExplicitAny: a Job as the fake API server stores it
  job: Record<string, any>,
  opts: { lineMs?: number; startMs?: number } = {},
): PodScript {
  const params = JSON.parse(job.metadata?.annotations?.[ANNOTATIONS.params] ?? '{}');
  const epochs = Number(params.epochs ?? 3);
  const final = accuracyOf(Number(params.lr ?? 0.1));
  const lines = Array.from({ length: epochs }, (_, i) => {
    const acc = Number((final * ((i + 1) / epochs) ** 0.5).toFixed(3));
    return `epoch ${i + 1}/${epochs} loss=${(1 - acc).toFixed(3)} acc=${acc}`;
  });
  return { lines, ...opts };
}
