// The run log archive's cost per committed batch (lines + the cursor record that says how far they
// go), next to a baseline measured in the same run, interleaved: the same append plus a bare
// write + rename of a one-cursor record (what the record was before it kept earlier commits for
// recovery). Also the cost of a resume that hands back lines the store had not taken in.
// Each batch is one line, flushed alone: the worst case (a busy log's lines share a batch).
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileLogArchive } from '../src/adapters/store/FileLogArchive.ts';

const BATCHES = 2000;
const ROUNDS = 3;
const cursorAt = (i: number) => `pod-1/2026-12-01T00:00:00.${String(i).padStart(9, '0')}Z/1`;
const line = (i: number) => `epoch ${i} loss=0.${i} acc=0.${BATCHES - i}`;

async function archiveRound(dir: string): Promise<number> {
  const archive = new FileLogArchive(dir);
  const start = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    archive.append('r-bench00000', [line(i)], cursorAt(i));
    await archive.flush();
  }
  return (performance.now() - start) / BATCHES;
}

async function baselineRound(dir: string): Promise<number> {
  const file = join(dir, 'baseline.log');
  let bytes = 0;
  const start = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    const chunk = `${line(i)}\n`;
    await appendFile(file, chunk);
    bytes += Buffer.byteLength(chunk);
    await writeFile(`${file}.cursor.tmp`, JSON.stringify({ cursor: cursorAt(i), bytes }));
    await rename(`${file}.cursor.tmp`, `${file}.cursor`);
  }
  return (performance.now() - start) / BATCHES;
}

async function resumeCost(dir: string): Promise<{ ms: number; missed: number }> {
  const start = performance.now();
  // The store stands 64 commits back, as far as the record remembers.
  const { missed } = await new FileLogArchive(dir).resume('r-bench00000', cursorAt(BATCHES - 65));
  return { ms: performance.now() - start, missed: missed.length };
}

const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, load ${loadavg()[0].toFixed(1)}`,
);
console.log('| round | archive, per batch | baseline, per batch | ratio | resume (lines handed back) |');
console.log('|---|---|---|---|---|');
for (let round = 1; round <= ROUNDS; round++) {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-bench-logs-'));
  try {
    const base = await baselineRound(dir);
    const archive = await archiveRound(dir);
    const resume = await resumeCost(dir);
    console.log(
      `| ${round} | ${us(archive)} | ${us(base)} | ×${(archive / base).toFixed(2)} | ${resume.ms.toFixed(1)} ms (${resume.missed}) |`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(`load after: ${loadavg()[0].toFixed(1)}`);
