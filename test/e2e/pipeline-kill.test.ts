/**
 * kill -9 of the real `trainyard start` four times in the middle of a pipeline on Kubernetes (the
 * loopback fake API server, whose pods go on by themselves while the bot is down), each time at
 * another moment, then a last start that sees the pipeline through:
 *   1. prep's pod has ended and its log, lagging behind it, has just brought its `::output` lines
 *      into the log archive: the run's end and outputs may not be in the store yet (its write
 *      comes ~50 ms later), and the train steps consume them;
 *   2. right after the first train Job was created (its run's placement may not be stored);
 *   3. train#2's pod has ended but its log is still on its way (paced): its outputs come in
 *      through the drain of the next bot;
 *   4. train#3's pod printed its outputs, they are archived, and it has just ended.
 * Judged from the outside only: the Jobs in the fake cluster and the messages in the fake Slack.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileStore } from '../../src/adapters/store/FileStore.ts';
import { LABELS } from '../../src/core/run/run-identity.ts';
import { eventually } from '../support/eventually.ts';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { RELAY_TEMPLATES, RELAY_TRAINS, relayKey, relayLines, relayWeights } from '../support/relay-pods.ts';
import { FakeSlackApi, type RecordedCall } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';
import { type SlackBot, slackOnClusterEnv, startSlackBot } from '../support/trainyard-cli.ts';

const SECRET = 'pipeline-kill-secret';
const TOKEN = 'xoxb-pipeline-kill';
const CHANNEL = 'CPKILL';
const KEYS = ['eval', 'prep', 'train#1', 'train#2', 'train#3'];

/** THE wait of the test: asked every 2 ms, so a kill lands close to the moment it waits for. */
const until = <T>(what: string, check: () => T, timeoutMs = 60_000) =>
  eventually(what, check, { timeoutMs, everyMs: 2 });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every string in a Slack call's arguments (text, blocks, attachments...). */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(textsOf);
  return [];
}

describe('a pipeline through kill -9 of trainyard start (end to end)', { timeout: 120_000 }, () => {
  let kube: FakeKubeApiServer;
  let slack: FakeSlackApi;
  let data: string;
  let kubeconfig: string;
  const bots: SlackBot[] = [];

  before(async () => {
    kube = await FakeKubeApiServer.start();
    kube.playPods = (pod, job) => {
      const key = relayKey(job);
      // The test plays train#3's pod itself, to end it while a bot is up.
      if (key === 'train#3') return undefined;
      // prep and train#2 print everything at once and end; their logs arrive long after.
      if (key === 'prep') kube.paceLog(pod.metadata.name, { lineMs: 40 });
      if (key === 'train#2') kube.paceLog(pod.metadata.name, { lineMs: 60 });
      const fast = key === 'prep' || key === 'train#2';
      return { lines: relayLines(job), lineMs: fast ? 5 : 100, startMs: 100 };
    };
    kubeconfig = kube.writeKubeconfig({ namespace: 'ml' });
    slack = await FakeSlackApi.start({ token: TOKEN });
    data = await mkdtemp(join(tmpdir(), 'trainyard-pipeline-kill-'));
  });
  after(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await kube.close();
    await slack.close();
    await rm(data, { recursive: true, force: true });
  });

  async function startBot(): Promise<SlackBot> {
    const bot = await startSlackBot(
      slackOnClusterEnv({
        slackApiUrl: slack.apiUrl,
        token: TOKEN,
        secret: SECRET,
        data,
        templates: RELAY_TEMPLATES,
        kubeconfig,
      }),
    );
    bots.push(bot);
    return bot;
  }

  /** What each kill caught: whether the step's outputs were archived, and stored, at that moment. */
  const caught: string[] = [];

  async function kill(bot: SlackBot, moment: string, runId?: string, output?: string): Promise<void> {
    bot.child.kill('SIGKILL');
    await bot.exited;
    if (!runId || !output) {
      caught.push(moment);
      return;
    }
    caught.push(
      `${moment}: outputs ${archived(runId).includes(`::output ${output}`) ? 'archived' : 'not archived'}, ` +
        `${stored().includes(`"${output.replace('=', '":"')}"`) ? 'stored' : 'not stored'}`,
    );
  }

  /** The run's log as the bot archived it so far (`<data>/logs/<run>.log`). */
  function archived(runId: string): string {
    try {
      return readFileSync(join(data, 'logs', `${runId}.log`), 'utf8');
    } catch {
      return '';
    }
  }
  /** The store's live file as on disk (written whole, by rename). */
  function stored(): string {
    try {
      return readFileSync(join(data, 'trainyard.json'), 'utf8');
    } catch {
      return '';
    }
  }

  const jobOf = (key: string) => kube.jobs().find((j) => relayKey(j) === key);
  const runOf = (key: string): string | undefined => jobOf(key)?.metadata.labels[LABELS.run];
  const ended = (runId: string) => kube.podOf(runId)?.status.phase === 'Succeeded';
  const messages = () =>
    slack.calls.filter((c: RecordedCall) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL);
  const notices = () => messages().filter((c) => /pipeline #\d+ relay \S+ after/.test(String(c.args.text)));

  it('runs every step once, passes outputs on and sends one notice that it succeeded', async (t) => {
    const first = await startBot();
    const res = await sendSigned(
      `${first.base}/slack/events`,
      slashCommand('relay rows=150', {
        user: 'UALICE',
        channel: CHANNEL,
        triggerId: 'pipeline-kill',
        responseUrl: slack.responseUrl('pipeline-kill'),
      }),
      { secret: SECRET },
    );
    assert.equal(res.status, 200);

    // 1. prep's pod has ended; the last of its log has just been archived.
    const prep = await until('the Job of prep', () => runOf('prep'));
    await until(
      'prep’s outputs archived',
      () => ended(prep) && archived(prep).includes('::output test_rows='),
    );
    await kill(first, 'prep ended, its log just archived', prep, 'test_rows=30');

    // 2. Right after the first train Job was created.
    const second = await startBot();
    await until('a train Job', () => runOf('train#1') ?? runOf('train#2'));
    await kill(second, 'a train Job just created');

    // 3. train#2's pod has ended; its log is still arriving.
    const third = await startBot();
    const train2 = await until('the Job of train#2', () => runOf('train#2'));
    await until('train#2 ended with its log under way', () => ended(train2) && archived(train2) !== '');
    await kill(third, 'train#2 ended, its log under way', train2, 'weights=lr0.1-rows120');

    // 4. train#3 printed its outputs, they are archived, and its pod has just ended.
    const fourth = await startBot();
    const train3 = await until('the Job of train#3', () => runOf('train#3'));
    const pod = (await until('a pod for train#3', () => kube.podOf(train3))).metadata.name;
    kube.startContainer(pod);
    kube.log(pod, relayLines(jobOf('train#3') ?? {}));
    await until('train#3’s outputs archived', () => archived(train3).includes('::output weights='));
    kube.terminate(pod, 0);
    await pause(20);
    await kill(fourth, 'train#3 just ended, its log archived', train3, 'weights=lr1-rows120');

    const last = await startBot();
    await until('the pipeline notice', () => notices().length > 0);
    // Let anything that would repeat show itself, then stop the bot as an operator does.
    await pause(500);
    last.child.kill('SIGTERM');
    assert.equal(await last.exited, 0, last.stderr());
    t.diagnostic(`kills: ${caught.join('; ')}`);

    // One notice, saying it succeeded; nothing in Slack shows a failed start or a stack trace.
    assert.equal(notices().length, 1, 'exactly one pipeline notice');
    assert.match(String(notices()[0].args.text), /<@UALICE> pipeline #\d+ relay succeeded after/);
    const said = [...slack.calls.flatMap((c) => textsOf(c.args)), ...slack.uploads.values()];
    for (const text of said) {
      assert.doesNotMatch(text, /did not set output|could not start/i);
      assert.doesNotMatch(text, /^\s*at .+:\d+:\d+\)?$/m, 'no stack trace');
      assert.doesNotMatch(text, /\.(?:m?js|ts):\d+:\d+/, 'no stack trace');
    }

    // Every step instance ran in exactly one Job, with one pod: none twice, none forgotten.
    assert.deepEqual(kube.jobs().map(relayKey).sort(), KEYS, 'one Job per step instance');
    const created = kube.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
    assert.equal(
      created.filter((r) => r.status === 201).length,
      KEYS.length,
      'five Jobs created, none twice',
    );
    assert.ok(created.every((r) => r.status === 201 || r.status === 409));
    assert.equal(kube.pods().length, KEYS.length, 'one pod per Job: no retries');

    // Later steps got the earlier steps' outputs as their params.
    for (const [i, { lr }] of RELAY_TRAINS.entries()) {
      const main = jobOf(`train#${i + 1}`)?.spec.template.spec.containers[0];
      assert.deepEqual(main.args, ['--lr', lr, '--rows', '120'], `train#${i + 1} has prep's train_rows`);
      assert.ok(main.env.some((e: Env) => e.name === 'TRAINYARD_PARAM_ROWS' && e.value === '120'));
    }
    const evaluate = jobOf('eval')?.spec.template.spec.containers[0];
    const best = relayWeights(0.1, 120);
    assert.deepEqual(evaluate.args, [
      '--weights',
      best,
      '--candidates',
      JSON.stringify(RELAY_TRAINS.map((t) => t.loss)),
      '--test-rows',
      '30',
    ]);
    const env = Object.fromEntries(evaluate.env.map((e: Env) => [e.name, e.value]));
    assert.equal(env.TRAINYARD_PARAM_WEIGHTS, best);
    assert.equal(env.TRAINYARD_PARAM_TEST_ROWS, '30');

    const store = await FileStore.open(data);
    try {
      const [pipeline] = store.pipelines.list();
      assert.deepEqual(pipeline.end, { state: 'succeeded' });
      assert.equal(pipeline.noticeSent, true);
    } finally {
      await store.close();
    }
  });
});

interface Env {
  name: string;
  value: string;
}
