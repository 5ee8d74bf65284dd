import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const LENGTH = 10;

/**
 * A new run id: `r-` + 10 random base36 chars (≈ 51 bits). Lowercase letters and digits only,
 * so it is valid as a Kubernetes label value and inside DNS-1123 names.
 */
export function newRunId(): string {
  let id = 'r-';
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

export const RUN_ID_PATTERN = /^r-[0-9a-z]{10}$/;
