import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const LENGTH = 10;

/**
 * A new sweep id: `s-` + 10 random base36 chars, like run ids (`r-…`) but told apart at a glance.
 * Valid as a Kubernetes label value (`trainyard.io/sweep`).
 */
export function newSweepId(): string {
  let id = 's-';
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

export const SWEEP_ID_PATTERN = /^s-[0-9a-z]{10}$/;

/**
 * The seed of a sweep that was given no `--seed`: derived from its id (FNV-1a, 32 bits), so it
 * is fixed for the sweep's life and a restart reproduces every suggestion.
 */
export function seedFromSweepId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
