import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SegmentRows } from './ArchiveIndex.ts';

/**
 * The files of one record kind's history in `<dataDir>/history/`:
 *   runs-000042.jsonl        a segment: one record per line, appended to, never rewritten;
 *   runs-000042.index.json   its sidecar, written once the segment is full (sealed): where each
 *                            record's line is, so start-up reads no segment but the open one.
 * A sidecar is a cache: one that is missing or does not match its segment's size is rebuilt by
 * reading the segment.
 */

const SIDECAR_VERSION = 1;

export const segmentPath = (dir: string, kind: string, n: number) =>
  join(dir, `${kind}-${String(n).padStart(6, '0')}.jsonl`);
export const sidecarPath = (dir: string, kind: string, n: number) =>
  join(dir, `${kind}-${String(n).padStart(6, '0')}.index.json`);

export interface SegmentListing {
  /** Segment numbers, oldest first. */
  segments: number[];
  /** Sidecars whose segment is gone (a crash while dropping it). */
  orphanSidecars: number[];
  /** Temp files of an interrupted sidecar write. */
  temps: string[];
}

export async function listSegments(dir: string, kind: string): Promise<SegmentListing> {
  const names = await readdir(dir);
  const segment = new RegExp(`^${kind}-(\\d+)\\.jsonl$`);
  const sidecar = new RegExp(`^${kind}-(\\d+)\\.index\\.json$`);
  const temp = new RegExp(`^\\.${kind}-\\d+\\.index\\.json\\.tmp$`);
  const segments = new Set<number>();
  const sidecars: number[] = [];
  const temps: string[] = [];
  for (const name of names) {
    const s = segment.exec(name);
    if (s) segments.add(Number(s[1]));
    const c = sidecar.exec(name);
    if (c) sidecars.push(Number(c[1]));
    if (temp.test(name)) temps.push(join(dir, name));
  }
  return {
    segments: [...segments].sort((a, b) => a - b),
    orphanSidecars: sidecars.filter((n) => !segments.has(n)),
    temps,
  };
}

/**
 * Columns, not objects, and each owner written once: a sidecar of 1,000 records is ~40 KB and
 * parses in well under a millisecond.
 */
interface Sidecar {
  version: number;
  /** The segment's size when the sidecar was written: a different size means it is stale. */
  bytes: number;
  ids: string[];
  numbers: number[];
  owners: string[];
  /** Index into owners, or -1 for a record of nobody's. */
  ownerOf: number[];
  offsets: number[];
  lengths: number[];
}

export async function writeSidecar(
  dir: string,
  kind: string,
  bytes: number,
  rows: SegmentRows,
): Promise<void> {
  const owners = [...new Set(rows.owners.filter((o) => o !== undefined))];
  const ownerIndex = new Map(owners.map((owner, i) => [owner, i]));
  const sidecar: Sidecar = {
    version: SIDECAR_VERSION,
    bytes,
    ids: rows.ids,
    numbers: rows.numbers,
    owners,
    ownerOf: rows.owners.map((o) => (o === undefined ? -1 : (ownerIndex.get(o) ?? -1))),
    offsets: rows.offsets,
    lengths: rows.lengths,
  };
  const file = sidecarPath(dir, kind, rows.segment);
  const temp = join(dir, `.${kind}-${String(rows.segment).padStart(6, '0')}.index.json.tmp`);
  await writeFile(temp, JSON.stringify(sidecar));
  await rename(temp, file);
}

/** The rows a sidecar lists, or undefined when it is missing, unreadable or stale. */
export async function readSidecar(
  dir: string,
  kind: string,
  segment: number,
  segmentBytes: number,
): Promise<SegmentRows | undefined> {
  let sidecar: Sidecar;
  try {
    sidecar = JSON.parse(await readFile(sidecarPath(dir, kind, segment), 'utf8'));
  } catch {
    return undefined;
  }
  const { ids, numbers, owners, ownerOf, offsets, lengths } = sidecar ?? {};
  const columns = [ids, numbers, ownerOf, offsets, lengths];
  if (
    sidecar?.version !== SIDECAR_VERSION ||
    sidecar.bytes !== segmentBytes ||
    !Array.isArray(owners) ||
    !columns.every((c) => Array.isArray(c) && c.length === ids.length)
  ) {
    return undefined;
  }
  return { segment, ids, numbers, owners: ownerOf.map((i) => owners[i]), offsets, lengths };
}

export interface ScannedLine {
  offset: number;
  length: number;
  value: unknown;
}

export interface ScanResult {
  lines: ScannedLine[];
  bytes: number;
  /** The file does not end with a newline: the last append was cut short. */
  partialTail: boolean;
  /** Lines that are not JSON (a cut-short append, or damage), by offset. */
  broken: number[];
}

/** Reads a whole segment and parses each line. */
export async function scanSegment(file: string): Promise<ScanResult> {
  const buffer = await readFile(file);
  const lines: ScannedLine[] = [];
  const broken: number[] = [];
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(10, start);
    if (end === -1) end = buffer.length;
    if (end > start) {
      try {
        const value = JSON.parse(buffer.toString('utf8', start, end));
        lines.push({ offset: start, length: end - start, value });
      } catch {
        broken.push(start);
      }
    }
    start = end + 1;
  }
  const partialTail = buffer.length > 0 && buffer[buffer.length - 1] !== 10;
  return { lines, bytes: buffer.length, partialTail, broken };
}

export async function removeFile(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
