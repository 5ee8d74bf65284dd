import { USAGE } from '../../core/command/usage.ts';
import type { Reply } from '../../core/reply.ts';
import type { Template } from '../../core/template/template.ts';
import { describeParam } from '../format.ts';
import { plainMentions, renderRunCardText, renderRunLine } from './run-card-text.ts';
import { renderSchedulesText, renderScheduleText } from './schedule-text.ts';

function templateLines(t: Template): string[] {
  return [
    `${t.name}${t.description ? ` — ${t.description}` : ''}`,
    ...t.params.map((p) => `   ${describeParam(p)}`),
  ];
}

/** Any reply as terminal text. */
export function renderReplyText(reply: Reply, now: Date): string {
  switch (reply.kind) {
    case 'error':
      return `⚠️  ${plainMentions(reply.text)}`;
    case 'info':
      return plainMentions(reply.text);
    case 'help':
      return [
        'Commands (type them with or without /train):',
        ...USAGE.map((u) => `  ${u.usage}\n      ${u.description}`),
      ].join('\n');
    case 'templates':
      return reply.templates.length
        ? reply.templates.flatMap(templateLines).join('\n')
        : 'There are no templates; add YAML files to the templates folder (TRAINYARD_TEMPLATES).';
    case 'runs':
      return reply.runs.length
        ? reply.runs.map((r) => renderRunLine(r, now)).join('\n')
        : 'No runs yet. Try: /train demo';
    case 'run':
      return renderRunCardText(reply.run, now).join('\n');
    case 'logs':
      return reply.lines.length
        ? [
            `Last ${reply.lines.length} log lines of run #${reply.run.number}:`,
            ...reply.lines.map((l) => `│ ${l}`),
          ].join('\n')
        : `Run #${reply.run.number} has no log lines yet.`;
    case 'schedule':
      return renderScheduleText(reply, now);
    case 'schedules':
      return renderSchedulesText(reply, now);
  }
}
