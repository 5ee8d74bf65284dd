import type { LineageTree } from '../../core/lineage/lineage-tree.ts';
import { truncate } from '../format.ts';
import { type LineageRow, lineageRows, type RunFacts } from '../lineage-rows.ts';

/**
 * `/train lineage <run>` for the terminal, a compact tree up to the roots:
 *
 *   ✅ #45 eval@3f2a9c1d  weights=…
 *   │     image demo:1a2b · commit 0123456789ab · pipeline #41 step eval
 *   ├─ ✅ #43 demo@…  lr=0.2
 *   │  └─ ✅ #42 prep@…  rows=2000
 *   └─ #42 (shown above)
 */
export function renderLineageText(tree: LineageTree): string[] {
  const lines = lineageRows(tree).flatMap(rowLines);
  if (tree.truncated) lines.push('(some inputs are left out: the chain is too long to show whole)');
  return lines;
}

function rowLines(row: LineageRow): string[] {
  switch (row.kind) {
    case 'missing':
      return [`${row.prefix}${row.runId} (no longer kept)`];
    case 'repeat':
      return [`${row.prefix}#${row.number} (shown above)`];
    case 'omitted':
      return [`${row.prefix}…and ${row.count} more input${row.count === 1 ? '' : 's'} not shown`];
    case 'run': {
      const { facts } = row;
      const head = `${row.prefix}${facts.emoji} #${facts.number} ${templateName(facts)}`;
      const detail = details(facts);
      return [
        facts.params ? `${head}  ${oneLine(facts.params, 200)}` : head,
        ...(detail ? [`${row.detailPrefix}   ${detail}`] : []),
      ];
    }
  }
}

function templateName(facts: RunFacts): string {
  return facts.templateHash ? `${facts.template}@${facts.templateHash}` : facts.template;
}

function details(facts: RunFacts): string {
  const parts: string[] = [];
  if (facts.image) parts.push(`image ${oneLine(facts.image, 120)}`);
  if (facts.repo) parts.push(`code ${oneLine(facts.repo, 120)}`);
  if (facts.commit) parts.push(`commit ${facts.commit}`);
  if (facts.origin) parts.push(oneLine(facts.origin, 120));
  return parts.join(' · ');
}

function oneLine(text: string, max: number): string {
  return truncate(text.replace(/[\u0000-\u001f\u007f]+/g, ' '), max);
}
