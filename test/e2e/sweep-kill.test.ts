/**
 * kill -9 of the real `trainyard start` in the middle of a sweep on Kubernetes (the loopback fake
 * API server, whose pods go on playing their training log while the bot is down), twice, then a
 * last start that sees the sweep through: every grid point runs once, in one Job per trial, and
 * one fan-in notice goes out.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileStore } from '../../src/adapters/store/FileStore.ts';
import { ANNOTATIONS, LABELS } from '../../src/core/run/run-identity.ts';
import { eventually } from '../support/eventually.ts';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { FakeSlackApi, type RecordedCall } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';
import { SWEEP_TEMPLATES, trainingScript } from '../support/sweep-pods.ts';
import { type SlackBot, slackOnClusterEnv, startSlackBot } from '../support/trainyard-cli.ts';

const SECRET = 'kill-secret';
const TOKEN = 'xoxb-kill';
const CHANNEL = 'CKILL';

/** THE wait of the tests, with the minute a loaded machine may need to run sweep trials. */
const until = (what: string, check: () => boolean, timeoutMs = 60_000) =>
  eventually(what, check, { timeoutMs, everyMs: 20 });

describe('a sweep through kill -9 of trainyard start (end to end)', { timeout: 180_000 }, () => {
  let kube: FakeKubeApiServer;
  let slack: FakeSlackApi;
  let data: string;
  let kubeconfig: string;
  const bots: SlackBot[] = [];

  before(async () => {
    kube = await FakeKubeApiServer.start();
    // Each trial takes about a second: long enough to be killed in the middle of.
    kube.playPods = (_pod, job) => trainingScript(job, { lineMs: 200, startMs: 100 });
    kubeconfig = kube.writeKubeconfig({ namespace: 'ml' });
    slack = await FakeSlackApi.start({ token: TOKEN });
    data = await mkdtemp(join(tmpdir(), 'trainyard-sweep-kill-'));
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
        templates: SWEEP_TEMPLATES,
        kubeconfig,
      }),
    );
    bots.push(bot);
    return bot;
  }

  async function kill(bot: SlackBot): Promise<void> {
    bot.child.kill('SIGKILL');
    await bot.exited;
  }

  const notices = () =>
    slack.calls.filter(
      (c: RecordedCall) =>
        c.method === 'chat.postMessage' && c.args.channel === CHANNEL && c.args.reply_broadcast === 'true',
    );
  const succeededPods = () => kube.pods().filter((p) => p.status.phase === 'Succeeded').length;

  it('runs every trial once and sends one notice', async () => {
    const first = await startBot();
    const res = await sendSigned(
      `${first.base}/slack/events`,
      slashCommand('sweep train lr=[0.001,0.01,0.1,1] epochs=[3,4] --parallel 3', {
        user: 'UALICE',
        channel: CHANNEL,
        triggerId: 'kill-sweep',
        responseUrl: slack.responseUrl('kill-sweep'),
      }),
      { secret: SECRET },
    );
    assert.equal(res.status, 200);
    // Killed with trials finished and trials running.
    await until('two trials to finish', () => succeededPods() >= 2);
    await kill(first);
    const jobsAtFirstKill = kube.jobs().length;

    const second = await startBot();
    await until('a trial started after the restart', () => kube.jobs().length > jobsAtFirstKill);
    await until('another trial to finish', () => succeededPods() >= 5);
    await kill(second);

    const last = await startBot();
    await until('the fan-in notice', () => notices().length > 0, 90_000);
    // Let anything that would repeat show itself, then stop the bot as an operator does.
    await new Promise((r) => setTimeout(r, 500));
    last.child.kill('SIGTERM');
    assert.equal(await last.exited, 0, last.stderr());

    assert.equal(notices().length, 1, 'exactly one fan-in notice');
    assert.match(String(notices()[0].args.text), /<@UALICE> sweep #\d+ train finished after 8 trials/);
    const jobs = kube.jobs();
    const sweepIds = new Set(jobs.map((j) => j.metadata.labels[LABELS.sweep]));
    assert.equal(sweepIds.size, 1);
    const trials = jobs.map((j) => Number(j.metadata.annotations[ANNOTATIONS.trial])).sort((a, b) => a - b);
    assert.deepEqual(trials, [1, 2, 3, 4, 5, 6, 7, 8], 'one Job per trial, none twice');
    // A run whose Job was created just before a kill, and whose placement the store had not yet
    // written, is started again after the restart: its create meets its own Job (409), by name.
    const created = kube.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'));
    assert.equal(created.filter((r) => r.status === 201).length, 8, 'eight Jobs created, none twice');
    assert.ok(created.every((r) => r.status === 201 || r.status === 409));
    const points = new Set(jobs.map((j) => j.metadata.annotations[ANNOTATIONS.params]));
    assert.equal(points.size, 8, 'every grid point once');

    const store = await FileStore.open(data);
    try {
      const [sweep] = store.sweeps.list();
      assert.equal(sweep.state, 'succeeded');
      assert.equal(sweep.noticeSent, true);
      assert.equal(sweep.trials.length, 8);
      assert.ok(sweep.trials.every((t) => t.state === 'succeeded' && t.value !== undefined));
    } finally {
      await store.close();
    }
  });
});
