import { randomInt } from 'node:crypto';

/** Lowercase letters and digits only: every id is valid as a Kubernetes label value and inside DNS-1123 names. */
export const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Random characters after an id's prefix: 10 base36 chars, ≈ 51 bits. */
export const ID_LENGTH = 10;

/** `prefix` + ID_LENGTH random base36 chars: the shape of run (`r-`), sweep (`s-`) and pipeline (`p-`) ids. */
export function randomId(prefix: string): string {
  let id = prefix;
  for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** A new run id: `r-` + 10 random base36 chars. */
export function newRunId(): string {
  return randomId('r-');
}

export const RUN_ID_PATTERN = /^r-[0-9a-z]{10}$/;
