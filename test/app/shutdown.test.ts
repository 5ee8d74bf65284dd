import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SlackChat } from '../../src/adapters/chat/slack/SlackChat.ts';
import { FileStore } from '../../src/adapters/store/FileStore.ts';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { Run } from '../../src/core/run/run.ts';
import { LABELS } from '../../src/core/run/run-identity.ts';
import { silentLogger } from '../../src/shared/log.ts';
import { eventually } from '../support/eventually.ts';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { FakeSlackApi, type RecordedCall } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';
import { ROOT, slackOnClusterEnv } from '../support/trainyard-cli.ts';

const SECRET = 'shutdown-secret';
const TOKEN = 'xoxb-shutdown';
const RUNS = 100;

/**
 * Shutdown with 100 runs in flight while Slack stops answering card updates: it ends within its
 * bound, notes the cards it could not bring up to date, and after a restart every card shows
 * its run's latest state. The whole app runs in this process, against the loopback fakes.
 */
describe('shutdown with runs in flight and a Slack that hangs', { timeout: 90_000 }, () => {
  let kube: FakeKubeApiServer;
  let slack: FakeSlackApi;
  let data: string;
  const apps: App[] = [];

  before(async () => {
    kube = await FakeKubeApiServer.start();
    slack = await FakeSlackApi.start({ token: TOKEN });
    data = mkdtempSync(join(tmpdir(), 'trainyard-shutdown-'));
    process.env.KUBECONFIG = kube.writeKubeconfig({ namespace: 'ml' });
  });
  after(async () => {
    for (const app of apps) await app.close().catch(() => {});
    await kube.close();
    await slack.close();
    rmSync(data, { recursive: true, force: true });
  });

  async function startApp(): Promise<{ app: App; base: string }> {
    const env = slackOnClusterEnv({
      slackApiUrl: slack.apiUrl,
      token: TOKEN,
      secret: SECRET,
      data,
      templates: join(ROOT, 'manifests'),
    });
    const app = await createApp({
      config: loadConfig(env, ROOT),
      log: silentLogger,
      env,
      chat: 'slack',
      http: true,
      // Room for 100 card updates a minute, so the restart's catch-up is quick.
      slackBudgets: { 'chat.update': { limit: 1000, windowMs: 60_000, scope: 'workspace' } },
    });
    apps.push(app);
    await app.start();
    return { app, base: `http://127.0.0.1:${(app.chat as SlackChat).listeningPort}` };
  }

  it('ends within its bound and brings every card up to date after the restart', async () => {
    const { app, base } = await startApp();
    const latest = new Map<string, Run>();
    app.hub.runs.onRunChanged((run) => latest.set(run.id, run));
    // Card updates get no answer from now on.
    const release = slack.hold('chat.update');
    const sent = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        sendSigned(
          `${base}/slack/events`,
          slashCommand('sleep seconds=600', {
            channel: `CS${i}`,
            triggerId: `sd-${i}`,
            responseUrl: slack.responseUrl(),
          }),
          { secret: SECRET },
        ),
      ),
    );
    assert.ok(sent.every((r) => r.status === 200));
    await eventually(
      'every run to have a pod',
      () => new Set(kube.pods().map((p) => p.metadata.labels[LABELS.run])).size === RUNS,
    );
    for (const pod of kube.pods()) {
      kube.startContainer(pod.metadata.name);
      kube.log(pod.metadata.name, ['step 3/10 loss=0.5']);
    }
    const running = () =>
      [...latest.values()].filter((r) => r.state === 'running' && r.progress?.current === 3);
    await eventually('every run to be running at step 3', () => running().length === RUNS);
    await eventually('every card to be posted', () => slack.callsOf('chat.postMessage').length >= RUNS);

    await app.close();
    apps.pop();
    const store = await FileStore.open(data);
    const stale = store.listRuns().filter((r) => r.cardStale);
    await store.close();
    assert.equal(stale.length, RUNS, 'every card whose update was left behind is noted');

    // The calls the stopped bot left on the wire die with it.
    release('drop');
    const updatesBefore = slack.callsOf('chat.update').length;
    await startApp();
    await eventually(
      'every card to be updated',
      () =>
        new Set(
          slack
            .callsOf('chat.update')
            .slice(updatesBefore)
            .map((c) => c.args.ts),
        ).size >= RUNS,
    );
    // What each card shows now: its latest update.
    const shown = new Map<string, RecordedCall>();
    for (const call of slack.callsOf('chat.update').slice(updatesBefore)) {
      shown.set(`${call.args.channel}:${call.args.ts}`, call);
    }
    assert.equal(shown.size, RUNS);
    for (const call of shown.values()) {
      assert.match(String(call.args.text), /Running/);
      assert.match(JSON.stringify(call.args.blocks), /3\/10/);
    }
  });
});
