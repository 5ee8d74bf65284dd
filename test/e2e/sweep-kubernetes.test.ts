/**
 * A sweep end to end with the Kubernetes runtime against the loopback fake API server (whose pods
 * play a training log) and the real Slack adapter (signed requests in, Web API calls out to the
 * fake Slack): one card, one fan-in notice, labelled Jobs, the buttons, and bad input refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SlackChat } from '../../src/adapters/chat/slack/SlackChat.ts';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/env.ts';
import { ACTIONS } from '../../src/core/actions.ts';
import { ANNOTATIONS, LABELS } from '../../src/core/run/run-identity.ts';
import { silentLogger } from '../../src/shared/log.ts';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { FakeSlackApi, type RecordedCall } from '../support/slack-api.ts';
import { buttonPress, sendSigned, slashCommand } from '../support/slack-requests.ts';
import { accuracyOf, SWEEP_TEMPLATES, trainingScript } from '../support/sweep-pods.ts';
import { ROOT, slackOnClusterEnv } from '../support/trainyard-cli.ts';

const SECRET = 'sweep-secret';
const TOKEN = 'xoxb-sweep';
const CHANNEL = 'CSWEEP';

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

describe('a sweep on Kubernetes, in Slack (end to end)', { timeout: 120_000 }, () => {
  let kube: FakeKubeApiServer;
  let slack: FakeSlackApi;
  let app: App;
  let events: string;
  let data: string;
  let sweepId = '';
  let seq = 0;

  before(async () => {
    kube = await FakeKubeApiServer.start();
    kube.playPods = (_pod, job) => trainingScript(job, { lineMs: 20 });
    slack = await FakeSlackApi.start({ token: TOKEN });
    data = mkdtempSync(join(tmpdir(), 'trainyard-sweep-k8s-'));
    // The Kubernetes client reads the kubeconfig from the process's own environment.
    process.env.KUBECONFIG = kube.writeKubeconfig({ namespace: 'ml' });
    const env = slackOnClusterEnv({
      slackApiUrl: slack.apiUrl,
      token: TOKEN,
      secret: SECRET,
      data,
      templates: SWEEP_TEMPLATES,
    });
    app = await createApp({
      config: loadConfig(env, ROOT),
      log: silentLogger,
      env,
      chat: 'slack',
      http: true,
    });
    await app.start();
    events = `http://127.0.0.1:${(app.chat as SlackChat).listeningPort}/slack/events`;
  });
  after(async () => {
    await app.close();
    await kube.close();
    await slack.close();
    rmSync(data, { recursive: true, force: true });
  });

  const train = (text: string, user = 'UALICE') =>
    sendSigned(
      events,
      slashCommand(text, {
        user,
        channel: CHANNEL,
        triggerId: `t-${++seq}`,
        responseUrl: slack.responseUrl(`r-${seq}`),
      }),
      { secret: SECRET },
    );
  const press = (actionId: string, user = 'UBOB') =>
    sendSigned(
      events,
      buttonPress({
        actionId,
        value: sweepId,
        user,
        channel: CHANNEL,
        actionTs: `${++seq}.0`,
        responseUrl: slack.responseUrl(`b-${seq}`),
      }),
      { secret: SECRET },
    );
  const inChannel = (c: RecordedCall) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL;
  const cards = () => slack.calls.filter((c) => inChannel(c) && !c.args.thread_ts);
  const notices = () => slack.calls.filter((c) => inChannel(c) && c.args.reply_broadcast === 'true');
  const answer = (id: string) => slack.callsOf('response_url').find((c) => c.args.id === id);

  it('fans out the trials as labelled Jobs and fans in with one notice that mentions the launcher', async () => {
    assert.equal((await train('sweep train lr=[0.01,0.1,1] epochs=[2,3] --parallel 2')).status, 200);
    await until('the sweep card', () => cards().length === 1);
    const card = cards()[0];
    sweepId = JSON.stringify(card.args.blocks).match(/"value":"(s-[0-9a-z]{10})"/)?.[1] ?? '';
    assert.ok(sweepId, 'the card’s Stop sweep button carries the sweep id');
    await until('the fan-in notice', () => notices().length === 1);

    const jobs = kube.jobs();
    assert.equal(jobs.length, 6);
    const trials = jobs.map((j) => Number(j.metadata.annotations[ANNOTATIONS.trial])).sort((a, b) => a - b);
    assert.deepEqual(trials, [1, 2, 3, 4, 5, 6]);
    for (const job of jobs) {
      assert.equal(job.metadata.labels[LABELS.sweep], sweepId);
      assert.equal(job.spec.template.metadata.labels[LABELS.sweep], sweepId);
      assert.equal(
        job.spec.template.metadata.annotations[ANNOTATIONS.trial],
        job.metadata.annotations[ANNOTATIONS.trial],
      );
    }
    const points = jobs.map((j) => j.metadata.annotations[ANNOTATIONS.params]).sort();
    assert.equal(new Set(points).size, 6, 'every grid point once');
    assert.equal(kube.count('POST', '/jobs'), 6, 'one create per trial');
    assert.equal(kube.count('DELETE'), 0);

    // One card, no card or notice per trial, no log uploads; the notice is in the card's thread.
    assert.equal(cards().length, 1);
    const notice = notices()[0];
    assert.match(String(notice.args.text), /<@UALICE> sweep #\d+ train finished after 6 trials/);
    assert.match(String(notice.args.text), new RegExp(`Best: trial \\d+ \\(#\\d+\\) acc ${accuracyOf(0.1)}`));
    assert.match(JSON.stringify(notice.args.blocks), /Rerun best/);
    assert.equal(slack.callsOf('files.completeUploadExternal').length, 0);
    await until('the card’s final state', () =>
      /^🏁 Sweep #\d+ train · Finished: 6 done/.test(String(slack.callsOf('chat.update').at(-1)?.args.text)),
    );
    const updated = new Set(slack.callsOf('chat.update').map((u) => u.args.ts));
    assert.deepEqual(
      [...updated],
      [notice.args.thread_ts],
      'every update is of the one card, in whose thread the notice is',
    );
  });

  it('answers Logs of best in the card’s thread and Rerun best with a normal run of the presser', async () => {
    const cardTs = notices()[0].args.thread_ts;
    const threadPosts = () =>
      slack.calls.filter((c) => inChannel(c) && c.args.thread_ts && c.args.reply_broadcast !== 'true');
    assert.equal((await press(ACTIONS.sweepLogsOfBest)).status, 200);
    await until('the logs in the thread', () => threadPosts().length === 1);
    assert.match(JSON.stringify(threadPosts()[0].args), /epoch (2\/2|3\/3) loss=[\d.]+ acc=0\.95\b/);
    assert.equal(threadPosts()[0].args.thread_ts, cardTs);

    assert.equal((await press(ACTIONS.sweepRerunBest)).status, 200);
    await until('the rerun’s Job', () => kube.jobs().length === 7);
    const rerun = kube.jobs().find((j) => !j.metadata.labels[LABELS.sweep]);
    assert.ok(rerun, 'a run of its own, not a trial');
    assert.equal(rerun.metadata.annotations[ANNOTATIONS.launchedBy], 'UBOB');
    assert.equal(rerun.metadata.annotations[ANNOTATIONS.channel], CHANNEL);
    assert.equal(JSON.parse(rerun.metadata.annotations[ANNOTATIONS.params]).lr, 0.1);
    await until('the rerun’s card', () => cards().length === 2);
    assert.match(String(cards()[1].args.text), /train/);
  });

  it('refuses bad input with one sentence to the asker and creates nothing', async () => {
    const jobsBefore = kube.jobs().length;
    for (const [text, sentence] of [
      ['sweep train lr=loguniform(0,1)', /needs lo above 0/],
      ['sweep train lr=[0.1,1] --parallel 0', /^--parallel must be a whole number from 1 to 1,000/],
      ['sweep train lr=uniform(0.1,1) --algo grid', /^--algo grid tries every combination/],
      [
        'sweep train epochs=range(1,5000,1)',
        /reaches 5000, but epochs must be a whole number from 1 to 100\./,
      ],
    ] as const) {
      const id = `r-${seq + 1}`;
      assert.equal((await train(text)).status, 200);
      await until(`the answer to ${text}`, () => !!answer(id));
      const reply = answer(id)?.args;
      assert.equal(reply?.response_type ?? 'ephemeral', 'ephemeral');
      assert.match(String(reply?.text).replace(/^⚠️\s*/, ''), sentence, text);
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(kube.jobs().length, jobsBefore);
    assert.equal(cards().length, 2);
  });
});
