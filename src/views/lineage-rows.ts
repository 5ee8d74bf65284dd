import { redactGitUrl } from '../core/code/git-url.ts';
import type { LineageNode, LineageTree } from '../core/lineage/lineage-tree.ts';
import type { Run } from '../core/run/run.ts';
import { formatParams, STATE_EMOJI } from './format.ts';

/**
 * A lineage tree flattened into rows with their tree-drawing prefixes (`├─ `, `│  `, `└─ `),
 * shared by the console and Block Kit views. Facts stay raw here; each renderer escapes.
 */
export type LineageRow =
  | { kind: 'run'; prefix: string; detailPrefix: string; facts: RunFacts }
  | { kind: 'missing'; prefix: string; runId: string }
  | { kind: 'repeat'; prefix: string; number: number }
  | { kind: 'omitted'; prefix: string; count: number };

export interface RunFacts {
  emoji: string;
  number: number;
  template: string;
  /** First 8 hex digits of the template file's sha256, when recorded. */
  templateHash?: string;
  params: string;
  image?: string;
  /** Clone URL, credentials removed again here in case a stored one still had them. */
  repo?: string;
  /** First 12 hex digits of the commit. */
  commit?: string;
  origin?: string;
}

export function lineageRows(tree: LineageTree): LineageRow[] {
  const rows: LineageRow[] = [];
  const walk = (node: LineageNode, prefix: string, below: string) => {
    if (node.kind === 'missing') {
      rows.push({ kind: 'missing', prefix, runId: node.runId });
      return;
    }
    if (node.kind === 'repeat') {
      rows.push({ kind: 'repeat', prefix, number: node.number });
      return;
    }
    const children = node.inputs.length + (node.omitted > 0 ? 1 : 0);
    rows.push({
      kind: 'run',
      prefix,
      detailPrefix: below + (children > 0 ? '│  ' : '   '),
      facts: runFacts(node),
    });
    node.inputs.forEach((child, i) => {
      const last = i === children - 1;
      walk(child, below + (last ? '└─ ' : '├─ '), below + (last ? '   ' : '│  '));
    });
    if (node.omitted > 0) rows.push({ kind: 'omitted', prefix: `${below}└─ `, count: node.omitted });
  };
  walk(tree.root, '', '');
  return rows;
}

function runFacts(node: Extract<LineageNode, { kind: 'run' }>): RunFacts {
  const run: Run = node.run;
  const lineage = run.lineage;
  const facts: RunFacts = {
    emoji: STATE_EMOJI[run.state],
    number: run.number,
    template: lineage?.template.name ?? run.spec.template,
    params: formatParams(run.spec.params),
  };
  if (lineage?.template.hash) facts.templateHash = lineage.template.hash.slice(0, 8);
  const image = lineage?.image ?? run.spec.image;
  if (image) facts.image = image;
  if (lineage?.code)
    facts.repo = redactGitUrl(lineage.code.repo) + (lineage.code.ref ? `@${lineage.code.ref}` : '');
  if (lineage?.commit) facts.commit = lineage.commit.slice(0, 12);
  if (node.origin) facts.origin = node.origin;
  return facts;
}
