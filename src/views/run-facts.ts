import { describeOrigin } from '../core/lineage/describe-origin.ts';
import { plural } from '../core/plural.ts';
import type { Run, RunArtifacts } from '../core/run/run.ts';

/**
 * Facts about a run that cards and notices show in Slack and on the console alike: its outputs,
 * its origin, and the artifacts it left. Raw text here; each renderer escapes for its medium.
 */

/** How many outputs a run card shows (a run may set up to 50). */
export const CARD_OUTPUTS = 10;

/** The outputs the job set with `::output name=value`, as `name=value` (at most CARD_OUTPUTS). */
export function outputPairs(run: Pick<Run, 'outputs'>, max = CARD_OUTPUTS): string[] {
  return Object.entries(run.outputs ?? {})
    .slice(0, max)
    .map(([name, value]) => `${name}=${value}`);
}

/** Why the run exists, for a card's footer: `pipeline #41 step eval`, `rerun of #12` …; undefined for a command. */
export function originText(run: Pick<Run, 'origin' | 'lineage'>): string | undefined {
  const origin = run.lineage?.origin ?? run.origin;
  return origin ? describeOrigin(origin, () => undefined) : undefined;
}

/** `1.5 kB`, `12 MB`: sizes as people read them (powers of 1000, like `ls -h --si`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** The artifacts as `name (size)` entries, or undefined when there is nothing to list. */
export function artifactEntries(artifacts: RunArtifacts | undefined): string[] | undefined {
  if (!artifacts?.files?.length) return undefined;
  return artifacts.files.map((f) => `${f.name} (${formatBytes(f.size)})`);
}

/** `and 3 more files`, when the run left more than the notice lists. */
export function moreArtifacts(artifacts: RunArtifacts | undefined): string | undefined {
  const shown = artifacts?.files?.length ?? 0;
  const more = (artifacts?.count ?? shown) - shown;
  return more > 0 ? `and ${plural(more, 'more file')}` : undefined;
}

/** Said once on a notice when the runtime keeps no artifacts (Kubernetes without a claim). */
export const ARTIFACTS_NOT_KEPT =
  'Artifacts are not kept: TRAINYARD_ARTIFACTS_CLAIM names no claim, so what the job wrote to TRAINYARD_ARTIFACTS ended with its pod.';
