import { ACTIONS } from '../../core/actions.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import {
  formatDuration,
  formatMetrics,
  formatParams,
  formatProgress,
  progressBar,
  progressFraction,
  runDuration,
  STATE_EMOJI,
  STATE_LABEL,
} from '../format.ts';
import {
  actions,
  type Block,
  button,
  context,
  escapeMrkdwn,
  fields,
  header,
  mention,
  message,
  type SlackMessage,
  section,
} from './block-kit.ts';

/** `✅ #42 resnet · Succeeded`: the line that names a run everywhere. */
export function runTitle(run: Run): string {
  return `${STATE_EMOJI[run.state]} #${run.number} ${run.spec.template} · ${STATE_LABEL[run.state]}`;
}

/** Where the run runs: `namespace/job-name`, or the container id / pid for other runtimes. */
function placement(run: Run): string | undefined {
  if (!run.placement) return undefined;
  const { namespace, handle } = run.placement;
  return `\`${escapeMrkdwn(namespace ? `${namespace}/${handle}` : handle)}\``;
}

/** Stop (only while the run is going), Rerun and Logs; every value is the run id. */
function runButtons(run: Run): Block {
  const buttons = [];
  if (!isEnded(run.state)) {
    buttons.push(
      button({
        text: 'Stop',
        actionId: ACTIONS.stop,
        value: run.id,
        style: 'danger',
        confirm: {
          title: `Stop run #${run.number}?`,
          text: `This stops *${escapeMrkdwn(run.spec.template)}* #${run.number} for good; its progress so far is kept in the log.`,
          confirm: 'Stop it',
          deny: 'Keep running',
        },
      }),
    );
  }
  buttons.push(
    button({ text: 'Rerun', actionId: ACTIONS.rerun, value: run.id }),
    button({ text: 'Logs', actionId: ACTIONS.logs, value: run.id }),
  );
  return actions(buttons, `run:${run.id}`);
}

/** The run card: posted once when a run starts, then updated in place as the run moves. */
export function renderRunCard(run: Run, now: Date): SlackMessage {
  const ended = isEnded(run.state);
  const took = formatDuration(runDuration(run, now));
  const facts: [string, string][] = [
    ['Status', `${STATE_EMOJI[run.state]} ${STATE_LABEL[run.state]}`],
    ['Launched by', mention(run.launchedBy)],
    [ended ? 'Duration' : 'Elapsed', took],
  ];
  if (run.spec.image) facts.push(['Image', `\`${escapeMrkdwn(run.spec.image)}\``]);
  const where = placement(run);
  if (where) facts.push([run.placement?.namespace ? 'Job' : 'Runs as', where]);
  if (run.schedule) facts.push(['Schedule', escapeMrkdwn(run.schedule)]);

  const blocks: Block[] = [header(runTitle(run)), fields(facts)];
  const params = formatParams(run.spec.params);
  if (params) blocks.push(section(`*Params*\n\`${escapeMrkdwn(params)}\``));
  if (run.progress) {
    const bar = progressBar(progressFraction(run.progress), 20);
    blocks.push(section(`\`${bar}\` ${escapeMrkdwn(formatProgress(run.progress))}`));
  }
  const metrics = formatMetrics(run.metrics);
  if (metrics) blocks.push(section(`*${ended ? 'Final' : 'Latest'} metrics*\n\`${escapeMrkdwn(metrics)}\``));
  if (run.reason && run.state !== 'running' && run.state !== 'succeeded') blocks.push(context(run.reason));
  blocks.push(runButtons(run));

  const text = `${runTitle(run)} by ${mention(run.launchedBy)}, ${ended ? 'took' : 'elapsed'} ${took}`;
  return message(text, blocks);
}
