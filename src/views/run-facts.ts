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

/** Where the run runs: `namespace/job-name` on Kubernetes, the container id or pid elsewhere. */
export function placementText(run: Pick<Run, 'placement'>): string | undefined {
  if (!run.placement) return undefined;
  const { namespace, handle } = run.placement;
  return namespace ? `${namespace}/${handle}` : handle;
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

/**
 * `model.json (1.2 kB), log.txt (300 B), and 3 more files`: the files the runtime listed as
 * `name (size)`, then a count of those it only counted; undefined when it listed none.
 */
export function artifactList(artifacts: RunArtifacts | undefined): string | undefined {
  const files = artifacts?.files ?? [];
  if (files.length === 0) return undefined;
  const entries = files.map((f) => `${f.name} (${formatBytes(f.size)})`);
  const more = (artifacts?.count ?? files.length) - files.length;
  if (more > 0) entries.push(`and ${plural(more, 'more file')}`);
  return entries.join(', ');
}

/** Said once on a notice when the runtime keeps no artifacts (Kubernetes without a claim). */
export const ARTIFACTS_NOT_KEPT =
  'Artifacts are not kept: TRAINYARD_ARTIFACTS_CLAIM names no claim, so what the job wrote to TRAINYARD_ARTIFACTS ended with its pod.';
