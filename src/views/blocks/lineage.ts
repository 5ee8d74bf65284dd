import type { LineageTree } from '../../core/lineage/lineage-tree.ts';
import { type LineageRow, lineageRows } from '../lineage-rows.ts';
import { type Block, context, header, LIMITS, message, type SlackMessage, section } from './block-kit.ts';
import { codeSpan, mrkdwnText } from './code-span.ts';

/**
 * `/train lineage <run>` in Slack (answered only to the asker): the chain of runs up to its
 * roots, each with its run number, template, params, image and commit, drawn as a tree. Rows
 * are packed into sections of at most 3000 characters; a tree longer than one message allows
 * is cut after the last row that fits, saying how many were left out.
 */
export function renderLineage(tree: LineageTree): SlackMessage {
  const rows = lineageRows(tree);
  const title =
    tree.root.kind === 'run' ? `Lineage of run #${tree.root.run.number}` : 'That run is no longer kept';
  // Room for the header and a closing context line.
  const maxSections = LIMITS.blocks - 2;
  const sections: string[] = [];
  let current = '';
  let shownRows = 0;
  for (const row of rows) {
    const text = rowText(row);
    if (current !== '' && current.length + 1 + text.length > LIMITS.sectionText) {
      if (sections.length + 1 >= maxSections) break;
      sections.push(current);
      current = '';
    }
    current = current === '' ? text : `${current}\n${text}`;
    shownRows++;
  }
  if (current !== '') sections.push(current);
  const blocks: Block[] = [header(title), ...sections.map(section)];
  const notes: string[] = [];
  if (shownRows < rows.length) notes.push(`…and ${rows.length - shownRows} more rows not shown.`);
  if (tree.truncated) notes.push('Some inputs are left out: the chain is too long to show whole.');
  if (notes.length > 0) blocks.push(context(notes.join(' ')));
  return message(title, blocks);
}

function rowText(row: LineageRow): string {
  switch (row.kind) {
    case 'missing':
      return `${row.prefix}${mrkdwnText(row.runId, 40)} _(no longer kept)_`;
    case 'repeat':
      return `${row.prefix}#${row.number} _(shown above)_`;
    case 'omitted':
      return `${row.prefix}_…and ${row.count} more input${row.count === 1 ? '' : 's'} not shown_`;
    case 'run': {
      const f = row.facts;
      // Each part is capped so a row stays well inside a section even when all of it needs escaping.
      const template = mrkdwnText(f.template, 40) + (f.templateHash ? ` @${f.templateHash}` : '');
      const head = `${row.prefix}${f.emoji} *#${f.number}* ${template}${f.params ? ` ${codeSpan(f.params, 150)}` : ''}`;
      const details: string[] = [];
      if (f.image) details.push(`image ${codeSpan(f.image, 80)}`);
      if (f.repo) details.push(`code ${codeSpan(f.repo, 80)}`);
      if (f.commit) details.push(`commit ${codeSpan(f.commit, 12)}`);
      if (f.origin) details.push(mrkdwnText(f.origin, 80));
      return details.length ? `${head}\n${row.detailPrefix}${details.join(' · ')}` : head;
    }
  }
}
