// Shared by the sweep benches: the machine line they print, and sweeps planned the way a command
// would plan them (through planSweep, against a template made for the bench).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { planSweep } from '../src/core/sweep/plan-sweep.ts';
import type { SweepDefinition } from '../src/core/sweep/sweep.ts';
import type { ParamDef, Template } from '../src/core/template/template.ts';

/** `nproc 2, AMD EPYC, load 3.1 2.9 2.5, node v20.20.2`, read from /proc where it exists. */
export function machineLine(): string {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const model = /model name\s*:\s*(.+)/.exec(read('/proc/cpuinfo'))?.[1]?.trim() ?? 'unknown CPU';
  const load = read('/proc/loadavg').split(' ').slice(0, 3).join(' ') || 'unknown';
  return `nproc ${availableParallelism()}, ${model}, load average ${load}, node ${process.version}`;
}

/** A template with float params for the bench's objective; nothing of it is ever run. */
export function benchTemplate(params: ParamDef[]): Template {
  return {
    name: 'bench',
    file: '/bench/bench.yaml',
    dir: '/bench',
    params,
    raw: { command: ['true'], args: [], env: {}, resources: {}, job: { backoffLimit: 0 } },
  };
}

/** planSweep for the bench, failing loudly: a bench with a refused sweep measures nothing. */
export function plan(
  template: Template,
  params: Record<string, string>,
  options: Record<string, string>,
): SweepDefinition {
  const planned = planSweep(template, params, options);
  if (!planned.ok) throw new Error(planned.error);
  return planned.definition;
}

export const floatParam = (name: string): ParamDef => ({ name, type: 'float', required: false, default: 0 });
export const intParam = (name: string): ParamDef => ({ name, type: 'int', required: false, default: 1 });
export const enumParam = (name: string, values: string[]): ParamDef => ({
  name,
  type: 'enum',
  required: false,
  default: values[0],
  values,
});

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
