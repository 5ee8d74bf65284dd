import type { MetricSample, Progress, Run } from '../run/run.ts';
import { readOutputLine, setOutput } from '../run/run-outputs.ts';

/** What one log line told us. */
export interface LineReading {
  progress?: Progress;
  metrics?: Record<string, number>;
}

/** Work per line is bounded: longer lines are cut here (metrics live near the start anyway). */
export const MAX_LINE_LENGTH = 2000;
/** At most this many samples per run; older ones are thinned out, so the whole run stays covered. */
export const MAX_HISTORY = 200;
const MAX_METRICS_PER_LINE = 20;
const MAX_KEY_LENGTH = 40;

// Counters and clock readings that look like `key=number` but are not metrics.
const NOT_METRICS = new Set([
  'epoch',
  'epochs',
  'step',
  'steps',
  'global_step',
  'iter',
  'iteration',
  'batch',
  'total',
  'total_steps',
  'max_steps',
  'num_epochs',
  'total_epochs',
  'eta',
  'time',
  'elapsed',
  'date',
  'timestamp',
  'ts',
  'pid',
  'port',
  'rank',
  'local_rank',
  'world_size',
  'v_num',
  'line',
  'seed',
]);

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const NUMBER = '-?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?';
// `loss=0.31`, `acc: 0.9`, `lr=1e-3`. The key must not follow `.`/`/`/`@` (hosts, paths, emails), a
// colon needs a space after it (`localhost:8080` is an address), and the number must not run on
// into `:`/`-`/`/` (times, dates, fractions).
const KEY_VALUE = new RegExp(
  `(?<![\\w./@-])([A-Za-z_][\\w./-]*)(?:\\s*=\\s*|:\\s+)(${NUMBER})(?![\\w:/.-])`,
  'g',
);
const EPOCH = /\bepoch\s*[[(:#]?\s*(\d+)\s*(?:\/|of)\s*(\d+)/i;
const STEP = /\b(?:step|iter(?:ation)?|batch)\s*[[(:#]?\s*(\d+)\s*(?:\/|of)\s*(\d+)/i;
// tqdm: ` 45%|████▌     | 450/1000 [00:10<00:12, 40it/s]`
const TQDM = /(\d{1,3})%\|[^|]{0,200}\|\s*(?:(\d+)\/(\d+))?/;
// Keras: `450/1000 [=====>........] - ETA: 12s - loss: 0.31`
const KERAS_BAR = /^\s*(\d+)\/(\d+)\s*\[[=>.]*\]/;

const JSON_PROGRESS: ReadonlyArray<{ current: string; totals: string[]; unit: string }> = [
  { current: 'epoch', totals: ['epochs', 'num_epochs', 'total_epochs', 'max_epochs'], unit: 'epoch' },
  { current: 'step', totals: ['total_steps', 'max_steps', 'steps', 'num_steps'], unit: 'step' },
  { current: 'global_step', totals: ['max_steps', 'total_steps'], unit: 'step' },
];

/** Compiles a template's progress regex; undefined when there is none or it does not compile. */
export function createProgressPattern(source?: string): RegExp | undefined {
  if (!source) return undefined;
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** Reads progress and metrics from one log line. Never throws. */
export function parseLogLine(line: string, custom?: RegExp): LineReading {
  try {
    return readLine(cleanLine(line), custom);
  } catch {
    return {};
  }
}

/**
 * Applies a batch of log lines to a run: latest progress, latest metrics, one history sample per
 * line that had metrics (at the step the progress had reached by that line), and outputs from
 * `::output name=value` lines (which are never read as metrics or progress). Returns undefined
 * when the lines changed nothing.
 */
export function applyLogLines(run: Run, lines: string[], now: Date, custom?: RegExp): Run | undefined {
  let progress = run.progress;
  let metrics = run.metrics;
  let outputs = run.outputs;
  const samples: MetricSample[] = [];
  for (const line of lines) {
    const output = readOutputLine(String(line));
    if (output !== undefined) {
      if (output !== 'invalid' && outputs?.[output.name] !== output.value)
        outputs = setOutput(outputs, output) ?? outputs;
      continue;
    }
    const reading = parseLogLine(line, custom);
    if (reading.progress && !sameProgress(reading.progress, progress)) progress = reading.progress;
    if (reading.metrics) {
      metrics = { ...metrics, ...reading.metrics };
      const sample: MetricSample = { at: now.getTime(), values: reading.metrics };
      if (progress) sample.step = progress.current;
      samples.push(sample);
    }
  }
  if (progress === run.progress && samples.length === 0 && outputs === run.outputs) return undefined;
  // Seen alive now: if the run is later lost, its time ends here rather than when the loss is noticed.
  const next: Run = { ...run, metrics, lastSeenAt: now.toISOString() };
  if (progress) next.progress = progress;
  if (outputs) next.outputs = outputs;
  if (samples.length > 0) next.history = boundHistory([...run.history, ...samples], MAX_HISTORY);
  return next;
}

/**
 * Keeps a history within `max` samples by dropping every other old sample (the newest is always
 * kept), so a long run is still covered from start to end, just more coarsely.
 */
export function boundHistory(history: MetricSample[], max: number): MetricSample[] {
  let out = history;
  while (out.length > max) {
    const last = out[out.length - 1];
    out = out.filter((_, i) => i % 2 === 0);
    if (out[out.length - 1] !== last) out.push(last);
  }
  return out;
}

function sameProgress(a: Progress, b: Progress | undefined): boolean {
  return b !== undefined && a.current === b.current && a.total === b.total && a.unit === b.unit;
}

function cleanLine(line: string): string {
  let text = String(line).slice(0, MAX_LINE_LENGTH).replace(ANSI, '');
  // tqdm redraws with carriage returns; the last non-empty segment is what a terminal shows.
  if (text.includes('\r')) {
    const parts = text.split('\r').filter((p) => p.trim() !== '');
    text = parts[parts.length - 1] ?? '';
  }
  return text.trim();
}

/**
 * A template's own pattern adds to the built-in readings, it does not replace them: its
 * `current`/`total` groups win for progress and its other groups are metrics, while the
 * `key=value` (or JSON) metrics of the same line are still read (the pattern's win a tie).
 */
function readLine(text: string, custom?: RegExp): LineReading {
  if (text === '') return {};
  const own = custom ? readCustom(text, custom) : {};
  const builtIn = readBuiltIn(text);
  const reading: LineReading = {};
  const progress = own.progress ?? builtIn.progress;
  if (progress) reading.progress = progress;
  if (own.metrics || builtIn.metrics) reading.metrics = { ...builtIn.metrics, ...own.metrics };
  return reading;
}

function readBuiltIn(text: string): LineReading {
  if (text.startsWith('{') && text.endsWith('}')) {
    const reading = readJsonLine(text);
    if (reading) return reading;
  }
  const reading: LineReading = {};
  const progress = readProgress(text);
  if (progress) reading.progress = progress;
  const metrics = readKeyValues(text);
  if (metrics) reading.metrics = metrics;
  return reading;
}

function readCustom(text: string, pattern: RegExp): LineReading {
  // A fresh copy so a template's `g` or `y` flag cannot carry state from one line to the next.
  const match = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).exec(text);
  if (!match?.groups) return {};
  const reading: LineReading = {};
  const metrics: Record<string, number> = {};
  for (const [name, raw] of Object.entries(match.groups)) {
    if (name === 'current' || name === 'total' || raw === undefined) continue;
    const value = toNumber(raw);
    if (value !== undefined) metrics[name] = value;
  }
  const current = toNumber(match.groups.current);
  const total = toNumber(match.groups.total);
  if (current !== undefined && total !== undefined && total > 0)
    reading.progress = { current, total, unit: 'step' };
  if (Object.keys(metrics).length > 0) reading.metrics = metrics;
  return reading;
}

function readJsonLine(text: string): LineReading | undefined {
  const object = parseObject(text);
  if (!object) return undefined;
  const reading: LineReading = {};
  for (const { current, totals, unit } of JSON_PROGRESS) {
    const value = toNumber(object[current]);
    const total = totals.map((k) => toNumber(object[k])).find((t) => t !== undefined);
    if (value !== undefined && total !== undefined && total > 0) {
      reading.progress = { current: value, total, unit };
      break;
    }
  }
  const metrics: Record<string, number> = {};
  let count = 0;
  for (const [key, value] of Object.entries(object)) {
    if (count >= MAX_METRICS_PER_LINE) break;
    if (typeof value !== 'number' || !Number.isFinite(value) || !isMetricName(key)) continue;
    metrics[key] = value;
    count++;
  }
  if (count > 0) reading.metrics = metrics;
  return reading;
}

/** JSON, or the Python dict that HF Trainer prints (`{'loss': 0.5, 'epoch': 1.0}`). */
function parseObject(text: string): Record<string, unknown> | undefined {
  for (const candidate of [text, text.replace(/'/g, '"')]) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
      return undefined;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

function readProgress(text: string): Progress | undefined {
  const epoch = EPOCH.exec(text);
  if (epoch) return fraction(epoch[1], epoch[2], 'epoch');
  const step = STEP.exec(text) ?? KERAS_BAR.exec(text);
  if (step) return fraction(step[1], step[2], 'step');
  const bar = TQDM.exec(text);
  if (bar) {
    if (bar[2] !== undefined) return fraction(bar[2], bar[3], 'step');
    return fraction(bar[1], '100', 'percent');
  }
  return undefined;
}

function fraction(current: string, total: string, unit: string): Progress | undefined {
  const c = Number(current);
  const t = Number(total);
  if (!Number.isFinite(c) || !Number.isFinite(t) || t <= 0) return undefined;
  return { current: c, total: t, unit };
}

function readKeyValues(text: string): Record<string, number> | undefined {
  const metrics: Record<string, number> = {};
  let count = 0;
  for (const match of text.matchAll(KEY_VALUE)) {
    if (count >= MAX_METRICS_PER_LINE) break;
    const key = match[1];
    const value = Number(match[2]);
    if (!isMetricName(key) || !Number.isFinite(value)) continue;
    metrics[key] = value;
    count++;
  }
  return count > 0 ? metrics : undefined;
}

function isMetricName(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && !NOT_METRICS.has(key.toLowerCase());
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
