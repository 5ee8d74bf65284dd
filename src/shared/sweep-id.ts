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
