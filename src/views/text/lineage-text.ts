import type { LineageTree } from '../../core/lineage/lineage-tree.ts';
import { plural } from '../../core/plural.ts';
import { type LineageRow, lineageRows, type RunFacts } from '../lineage-rows.ts';
import { terminalText, tx } from './terminal.ts';

/**
 * `/train lineage <run>` for the terminal, a compact tree up to the roots:
 *
 *   ✅ #45 eval@3f2a9c1d  weights=…
 *   │     image demo:1a2b · commit 0123456789ab · pipeline #41 step eval
 *   ├─ ✅ #43 demo@…  lr=0.2
 *   │  └─ ✅ #42 prep@…  rows=2000
 *   └─ #42 (shown above)
 *
 * Every fact from outside Trainyard goes through terminalText: one row, one line.
 */
export function renderLineageText(tree: LineageTree): string[] {
  const lines = lineageRows(tree).flatMap(rowLines);
  if (tree.truncated) lines.push('(some inputs are left out: the chain is too long to show whole)');
  return lines;
}

function rowLines(row: LineageRow): string[] {
  switch (row.kind) {
    case 'missing':
      return [`${row.prefix}${terminalText(row.runId, 40)} (no longer kept)`];
    case 'repeat':
      return [`${row.prefix}#${row.number} (shown above)`];
    case 'omitted':
      return [`${row.prefix}…and ${plural(row.count, 'more input')} not shown`];
    case 'run': {
      const { facts } = row;
      const head = `${row.prefix}${facts.emoji} #${facts.number} ${templateName(facts)}`;
      const detail = details(facts);
      return [
        facts.params ? `${head}  ${terminalText(facts.params, 200)}` : head,
        ...(detail ? [`${row.detailPrefix}   ${detail}`] : []),
      ];
    }
  }
}

function templateName(facts: RunFacts): string {
  const name = terminalText(facts.template, 60);
  return facts.templateHash ? tx`${name}@${facts.templateHash}` : name;
}

function details(facts: RunFacts): string {
  const parts: string[] = [];
  if (facts.image) parts.push(`image ${terminalText(facts.image, 120)}`);
  if (facts.repo) parts.push(`code ${terminalText(facts.repo, 120)}`);
  if (facts.commit) parts.push(tx`commit ${facts.commit}`);
  if (facts.origin) parts.push(terminalText(facts.origin, 120));
  return parts.join(' · ');
}
