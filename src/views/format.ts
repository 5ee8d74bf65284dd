import { formatNumber } from '../core/format-number.ts';
import type { Progress, Run, RunState } from '../core/run/run.ts';
import type { Schedule } from '../core/schedule/schedule.ts';
import type { ParamDef } from '../core/template/template.ts';

/** Shared by the console and Block Kit views so both say the same thing. */

export const STATE_EMOJI: Record<RunState, string> = {
  queued: '⏳',
  building: '🔨',
  pending: '🕒',
  running: '🏃',
  succeeded: '✅',
  failed: '❌',
  stopped: '⏹️',
  lost: '❓',
};

export const STATE_LABEL: Record<RunState, string> = {
  queued: 'Queued',
  building: 'Building image',
  pending: 'Pending',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  stopped: 'Stopped',
  lost: 'Lost',
};

/** `1h 02m`, `3m 05s`, `12s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/**
 * How long the run has been going (or went), from start (or creation) to end (or now). A lost
 * run ended when it was last seen alive (the status machine sets its endedAt so), so a bot's
 * downtime does not count.
 */
export function runDuration(run: Run, now: Date): number {
  const from = Date.parse(run.startedAt ?? run.createdAt);
  const end = run.state === 'lost' ? (run.lastSeenAt ?? run.endedAt) : run.endedAt;
  const to = end ? Date.parse(end) : now.getTime();
  return Math.max(0, to - from);
}

export function progressFraction(p: Progress): number {
  if (!(p.total > 0)) return 0;
  return Math.min(1, Math.max(0, p.current / p.total));
}

/** A bar of `width` cells using eighth blocks, e.g. `█████▍    `. */
export function progressBar(fraction: number, width = 20): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  const partial = rest ? ' ▏▎▍▌▋▊▉'[rest] : '';
  return ('█'.repeat(full) + partial).padEnd(width, '░');
}

/** `epoch 3/10 (30%)`. */
export function formatProgress(p: Progress): string {
  const pct = Math.round(progressFraction(p) * 100);
  return p.unit === 'percent' ? `${pct}%` : `${p.unit} ${p.current}/${p.total} (${pct}%)`;
}

// The views' many importers of formatNumber keep importing it from here, beside formatMetrics.
export { formatNumber };

/** `loss=0.3121 acc=0.91`, at most `max` metrics, in the order they were first seen. */
export function formatMetrics(metrics: Record<string, number>, max = 8): string {
  return Object.entries(metrics)
    .slice(0, max)
    .map(([k, v]) => `${k}=${formatNumber(v)}`)
    .join('  ');
}

/** A param value as a `name=value` pair shows it: quoted when it holds whitespace. */
export function paramValueText(value: unknown): string {
  return typeof value === 'string' && /\s/.test(value) ? JSON.stringify(value) : String(value);
}

/** `demo epochs=3 lr=0.1`. */
export function formatParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${paramValueText(v)}`)
    .join(' ');
}

/** `resnet epochs=5`: what a schedule launches, the template and its params. */
export function scheduleLaunchText(schedule: Pick<Schedule, 'template' | 'params'>): string {
  return [schedule.template, formatParams(schedule.params)].filter(Boolean).join(' ');
}

/** The first `n` UTF-16 units of `text`, one fewer when the cut would split an emoji or other surrogate pair. */
export function cutAt(text: string, n: number): string {
  if (n <= 0) return '';
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** Cuts text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${cutAt(text, max - 1)}…`;
}

/** `epochs (int, default 5, 1..1000): number of passes`. */
export function describeParam(p: ParamDef): string {
  const facts: string[] = [p.type === 'enum' && p.values ? p.values.join('|') : p.type];
  if (p.required) facts.push('required');
  if (p.default !== undefined) facts.push(`default ${p.default}`);
  if (p.min !== undefined || p.max !== undefined) {
    const lo = p.min === undefined ? '' : `${p.exclusiveMin ? '>' : ''}${p.min}`;
    const hi = p.max === undefined ? '' : `${p.exclusiveMax ? '<' : ''}${p.max}`;
    facts.push(
      p.min !== undefined && p.max !== undefined
        ? `${lo}..${hi}`
        : p.min !== undefined
          ? `min ${lo}`
          : `max ${hi}`,
    );
  }
  if (p.pattern) facts.push(`matches /${p.pattern}/`);
  return `${p.name} (${facts.join(', ')})${p.help ? `: ${p.help}` : ''}`;
}
