import { ACTIONS } from '../../core/actions.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import {
  formatDuration,
  formatMetrics,
  formatNumber,
  formatParams,
  formatProgress,
  progressBar,
  progressFraction,
  runDuration,
  STATE_EMOJI,
  STATE_LABEL,
} from '../format.ts';
import { mainMetricLine } from '../metric-lines.ts';
import { originText, outputPairs, placementText } from '../run-facts.ts';
import {
  actions,
  type Block,
  button,
  context,
  fields,
  header,
  message,
  type SlackMessage,
  section,
} from './block-kit.ts';
import { code, inline, joinMd, type Mrkdwn, md, mention, plain } from './mrkdwn.ts';

/** Longest reason shown; a termination message can be a whole traceback. */
const MAX_REASON = 1500;

/** `✅ #42 resnet · Succeeded`: the line that names a run everywhere (plain text, not mrkdwn). */
export function runTitle(run: Run): string {
  return `${STATE_EMOJI[run.state]} #${run.number} ${run.spec.template} · ${STATE_LABEL[run.state]}`;
}

/**
 * Why the run is where it is: the reason (plain text, perhaps the cluster's or the job's own
 * words, so escaped) and who stopped it (a mention Trainyard writes from the stored id).
 */
export function runReason(run: Run): Mrkdwn | undefined {
  const parts: Mrkdwn[] = [];
  if (run.state === 'stopped' && run.stoppedBy) parts.push(md`Stopped by ${mention(run.stoppedBy)}.`);
  if (run.reason) parts.push(plain(run.reason, MAX_REASON));
  return parts.length ? joinMd(parts, ' ') : undefined;
}

/** Characters of the live card's sparkline: readable on a phone beside the metric's name and value. */
const SPARKLINE_WIDTH = 24;

/**
 * The metrics section: the latest (or final) values, and while the run goes, the main metric's
 * sparkline next to its latest value (`loss ▇▆▅▄▃▂ 0.3121`).
 */
function metricsSection(run: Run, ended: boolean): Block | undefined {
  const metrics = formatMetrics(run.metrics);
  if (!metrics) return undefined;
  const main = ended ? undefined : mainMetricLine(run, SPARKLINE_WIDTH);
  const trend = main
    ? md` · ${inline(main.metric, 100)} ${code(main.spark)} ${formatNumber(main.latest)}`
    : md``;
  return section(md`*${ended ? 'Final' : 'Latest'} metrics*${trend}\n${code(metrics, 2900)}`);
}

/** The Stop button of a going run, with the question it asks first (on its card and in the Home tab). */
export function stopRunButton(run: Run) {
  return button({
    text: 'Stop',
    actionId: ACTIONS.stop,
    value: run.id,
    style: 'danger',
    confirm: {
      title: `Stop run #${run.number}?`,
      text: md`This stops *${plain(run.spec.template, 100)}* #${run.number} for good; its progress so far is kept in the log.`,
      confirm: 'Stop it',
      deny: 'Keep running',
    },
  });
}

/** Stop (only while the run is going), Rerun, Rerun with changes (once it ended) and Logs; every value is the run id. */
function runButtons(run: Run): Block {
  const buttons = [];
  if (!isEnded(run.state)) buttons.push(stopRunButton(run));
  buttons.push(button({ text: 'Rerun', actionId: ACTIONS.rerun, value: run.id }));
  // An ended run may be run again with other values: the button opens its form, pre-filled.
  if (isEnded(run.state)) {
    buttons.push(button({ text: 'Rerun with changes…', actionId: ACTIONS.rerunForm, value: run.id }));
  }
  buttons.push(button({ text: 'Logs', actionId: ACTIONS.logs, value: run.id }));
  return actions(buttons, `run:${run.id}`);
}

/** The run card: posted once when a run starts, then updated in place as the run moves. */
export function renderRunCard(run: Run, now: Date): SlackMessage {
  const ended = isEnded(run.state);
  const took = formatDuration(runDuration(run, now));
  const facts: [string, Mrkdwn][] = [
    ['Status', md`${STATE_EMOJI[run.state]} ${STATE_LABEL[run.state]}`],
    ['Launched by', mention(run.launchedBy)],
    [ended ? 'Duration' : 'Elapsed', md`${took}`],
  ];
  if (run.spec.image) facts.push(['Image', code(run.spec.image, 500)]);
  if (run.runtime) facts.push(['Runtime', md`${run.runtime}`]);
  const where = placementText(run);
  if (where) facts.push([run.placement?.namespace ? 'Job' : 'Runs as', code(where, 300)]);
  if (run.schedule) facts.push(['Schedule', plain(run.schedule, 200)]);

  const blocks: Block[] = [header(runTitle(run)), fields(facts)];
  const params = formatParams(run.spec.params);
  if (params) blocks.push(section(md`*Params*\n${code(params, 2900)}`));
  if (run.progress) {
    const bar = progressBar(progressFraction(run.progress), 20);
    blocks.push(section(md`${code(bar)} ${formatProgress(run.progress)}`));
  }
  const metrics = metricsSection(run, ended);
  if (metrics) blocks.push(metrics);
  const outputs = outputPairs(run);
  if (outputs.length) blocks.push(section(md`*Outputs*\n${code(outputs.join(' '), 2900)}`));
  const reason = run.state !== 'running' && run.state !== 'succeeded' ? runReason(run) : undefined;
  if (reason) blocks.push(context(reason));
  // What the runtime runs without (GPUs on local processes): said, never ignored silently.
  if (run.runtimeNote) blocks.push(context(md`⚠️ ${plain(run.runtimeNote, 500)}`));
  // Why the run exists (a schedule already has its own field above).
  const origin = run.schedule ? undefined : originText(run);
  if (origin) blocks.push(context(md`From ${plain(origin, 300)} · ${code(run.id)}`));
  blocks.push(runButtons(run));

  const text = md`${runTitle(run)} by ${mention(run.launchedBy)}, ${ended ? 'took' : 'elapsed'} ${took}`;
  return message(text, blocks);
}
