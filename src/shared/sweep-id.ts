import { randomId } from './run-id.ts';

/**
 * A new sweep id: `s-` + 10 random base36 chars, like run ids (`r-…`) but told apart at a glance.
 * Valid as a Kubernetes label value (`trainyard.io/sweep`).
 */
export function newSweepId(): string {
  return randomId('s-');
}

export const SWEEP_ID_PATTERN = /^s-[0-9a-z]{10}$/;
