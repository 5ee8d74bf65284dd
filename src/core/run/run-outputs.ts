import type { Run } from './run.ts';

/**
 * Outputs of a run: text values a job reports with a log line `::output name=value`, read by
 * later pipeline steps as `{{steps.<step>.outputs.<name>}}`. A run's final metrics count as
 * outputs too. Values are plain text and stay literal: nothing reads them as YAML, mrkdwn or
 * placeholders, and views escape them.
 */

/** Output names follow the param name rule, so they can be written inside `{{…}}` references. */
export const OUTPUT_NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** At most this many distinct outputs per run; later new names are ignored (updates still count). */
export const MAX_OUTPUTS = 50;
/** Longer values are not taken: a cut value passed on to the next step would be silently wrong. */
export const MAX_OUTPUT_VALUE = 1000;

const PREFIX = '::output ';

export interface OutputLine {
  name: string;
  value: string;
}

/**
 * Reads `::output name=value` (leading blanks allowed). Returns the output, `'invalid'` for a line
 * that starts like an output but is not a valid one (such a line is still no metric line), or
 * undefined for any other line. The value is everything after the first `=`, without the line
 * ending; a value with a NUL character is refused (it cannot be passed as an argument).
 */
export function readOutputLine(line: string): OutputLine | 'invalid' | undefined {
  const text = line.trimStart();
  if (!text.startsWith(PREFIX)) return undefined;
  const rest = text.slice(PREFIX.length).trimStart();
  const equals = rest.indexOf('=');
  if (equals <= 0) return 'invalid';
  const name = rest.slice(0, equals);
  const value = rest.slice(equals + 1).replace(/[\r\n]+$/, '');
  if (!OUTPUT_NAME.test(name) || value.length > MAX_OUTPUT_VALUE || value.includes('\u0000'))
    return 'invalid';
  return { name, value };
}

/**
 * `outputs` with one more output set, or undefined when it is refused because the run already has
 * MAX_OUTPUTS others. The last value of a name wins.
 */
export function setOutput(
  outputs: Record<string, string> | undefined,
  { name, value }: OutputLine,
): Record<string, string> | undefined {
  const current = outputs ?? {};
  if (!Object.hasOwn(current, name) && Object.keys(current).length >= MAX_OUTPUTS) return undefined;
  return { ...current, [name]: value };
}

/**
 * Everything a later step may read from this run: its latest metrics as text (`String(n)`, which
 * reads back as the same number) and its explicit outputs, which win over a metric of the same name.
 */
export function runOutputs(run: Pick<Run, 'metrics' | 'outputs'>): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(run.metrics)) outputs[name] = String(value);
  for (const [name, value] of Object.entries(run.outputs ?? {})) outputs[name] = value;
  return outputs;
}
