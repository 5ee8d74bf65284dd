import { USAGE } from '../../core/command/usage.ts';
import type { Pipeline } from '../../core/pipeline/pipeline.ts';
import { plural } from '../../core/plural.ts';
import type { Reply } from '../../core/reply.ts';
import { type Sentence, sentenceParts } from '../../core/sentence.ts';
import type { Template } from '../../core/template/template.ts';
import { describeParam } from '../format.ts';
import { renderLineageText } from './lineage-text.ts';
import { renderSparklinesText } from './notice-text.ts';
import { renderPipelineCardText } from './pipeline-text.ts';
import { renderRunCardText, renderRunLine, userName } from './run-card-text.ts';
import { renderSchedulesText, renderScheduleText } from './schedule-text.ts';
import { renderSweepCardText, renderSweepsText } from './sweep-text.ts';
import { terminalText, tx } from './terminal.ts';

function pipelineLines(p: Pipeline): string[] {
  return [
    p.description ? tx`${p.name} (pipeline) — ${p.description}` : tx`${p.name} (pipeline)`,
    ...p.params.map((d) => tx`   ${describeParam(d)}`),
    tx`   steps: ${p.steps.map((s) => s.name).join(' → ')}`,
  ];
}

function templateLines(t: Template): string[] {
  return [
    t.description ? tx`${t.name} — ${t.description}` : tx`${t.name}`,
    ...t.params.map((p) => tx`   ${describeParam(p)}`),
  ];
}

/** A core Sentence for the terminal: its text made safe, mentions as `@U123`, code as typed. */
export function sentenceTerminalText(s: Sentence): string {
  return sentenceParts(s)
    .map((part) =>
      typeof part === 'string'
        ? terminalText(part, 3000)
        : 'user' in part
          ? userName(part.user)
          : terminalText(part.code, 500),
    )
    .join('');
}

/** Any reply as terminal text. */
export function renderReplyText(reply: Reply, now: Date): string {
  switch (reply.kind) {
    case 'error':
      return `⚠️  ${sentenceTerminalText(reply.text)}`;
    case 'info':
      return sentenceTerminalText(reply.text);
    case 'help':
      return [
        'Commands (type them with or without /train):',
        ...USAGE.map((u) => `  ${u.usage}\n      ${u.description}`),
      ].join('\n');
    case 'templates': {
      const pipelines = reply.pipelines ?? [];
      return reply.templates.length || pipelines.length
        ? [...reply.templates.flatMap(templateLines), ...pipelines.flatMap(pipelineLines)].join('\n')
        : 'There are no templates; add YAML files to the templates folder (TRAINYARD_TEMPLATES).';
    }
    case 'runs':
      return reply.runs.length
        ? reply.runs.map((r) => renderRunLine(r, now)).join('\n')
        : 'No runs yet. Try: /train demo';
    case 'run':
      return renderRunCardText(reply.run, now).join('\n');
    case 'logs':
      return reply.lines.length
        ? [
            `Last ${plural(reply.lines.length, 'log line')} of run #${reply.run.number}:`,
            ...reply.lines.map((l) => `│ ${terminalText(l, 2000)}`),
          ].join('\n')
        : `Run #${reply.run.number} has no log lines yet.`;
    case 'schedule':
      return renderScheduleText(reply, now);
    case 'schedules':
      return renderSchedulesText(reply, now);
    case 'sweep':
      return renderSweepCardText(reply.sweep, now).join('\n');
    case 'sweeps':
      return renderSweepsText(reply.sweeps, now);
    case 'pipeline': {
      const runs = new Map(reply.runs.map((r) => [r.id, r]));
      return renderPipelineCardText(reply.pipeline, (id) => runs.get(id), now).join('\n');
    }
    case 'lineage':
      return renderLineageText(reply.tree).join('\n');
    case 'chart':
      return [
        tx`📈 #${reply.run.number} ${reply.run.spec.template}`,
        ...renderSparklinesText(reply.run),
      ].join('\n');
  }
}

/** A schedule's announcement in its channel (plain text from the scheduler), for the terminal. */
export function renderAnnouncementText(text: string): string {
  return terminalText(text, 3000);
}
