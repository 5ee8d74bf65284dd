import type { LineageTree } from '../../core/lineage/lineage-tree.ts';
import { plural } from '../../core/plural.ts';
import { type LineageRow, lineageRows } from '../lineage-rows.ts';
import { type Block, context, header, LIMITS, message, type SlackMessage, section } from './block-kit.ts';
import { code, inline, joinMd, type Mrkdwn, md } from './mrkdwn.ts';

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
  const sections: Mrkdwn[][] = [];
  let current: Mrkdwn[] = [];
  // Length of `current` joined by line breaks.
  let size = 0;
  let shownRows = 0;
  for (const row of rows) {
    const text = rowText(row);
    if (current.length > 0 && size + 1 + text.mrkdwn.length > LIMITS.sectionText) {
      if (sections.length + 1 >= maxSections) break;
      sections.push(current);
      current = [];
    }
    size = current.length === 0 ? text.mrkdwn.length : size + 1 + text.mrkdwn.length;
    current.push(text);
    shownRows++;
  }
  if (current.length > 0) sections.push(current);
  const blocks: Block[] = [header(title), ...sections.map((lines) => section(joinMd(lines, '\n')))];
  const notes: Mrkdwn[] = [];
  if (shownRows < rows.length) notes.push(md`…and ${plural(rows.length - shownRows, 'more row')} not shown.`);
  if (tree.truncated) notes.push(md`Some inputs are left out: the chain is too long to show whole.`);
  if (notes.length > 0) blocks.push(context(joinMd(notes, ' ')));
  return message(md`${title}`, blocks);
}

function rowText(row: LineageRow): Mrkdwn {
  switch (row.kind) {
    case 'missing':
      return md`${row.prefix}${inline(row.runId, 40)} _(no longer kept)_`;
    case 'repeat':
      return md`${row.prefix}#${row.number} _(shown above)_`;
    case 'omitted':
      return md`${row.prefix}_…and ${plural(row.count, 'more input')} not shown_`;
    case 'run': {
      const f = row.facts;
      // Each part is capped so a row stays well inside a section even when all of it needs escaping.
      const template = md`${inline(f.template, 40)}${f.templateHash ? ` @${f.templateHash}` : ''}`;
      const params = f.params ? md` ${code(f.params, 150)}` : md``;
      const head = md`${row.prefix}${f.emoji} *#${f.number}* ${template}${params}`;
      const details: Mrkdwn[] = [];
      if (f.image) details.push(md`image ${code(f.image, 80)}`);
      if (f.repo) details.push(md`code ${code(f.repo, 80)}`);
      if (f.commit) details.push(md`commit ${code(f.commit, 12)}`);
      if (f.origin) details.push(inline(f.origin, 80));
      return details.length ? md`${head}\n${row.detailPrefix}${joinMd(details, ' · ')}` : head;
    }
  }
}
