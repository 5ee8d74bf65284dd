import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SlackChat } from '../../src/adapters/chat/slack/SlackChat.ts';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/env.ts';
import { LABELS } from '../../src/core/run/run-identity.ts';
import { silentLogger } from '../../src/shared/log.ts';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { FakeSlackApi } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';

const SECRET = 'burst-secret';
const TOKEN = 'xoxb-burst';
const ROOT = join(import.meta.dirname, '../..');

describe('a burst of commands right after start', { timeout: 60_000 }, () => {
  let kube: FakeKubeApiServer;
  let slack: FakeSlackApi;
  let data: string;
  let app: App;

  before(async () => {
    kube = await FakeKubeApiServer.start();
    slack = await FakeSlackApi.start({ token: TOKEN });
    data = mkdtempSync(join(tmpdir(), 'trainyard-burst-'));
    process.env.KUBECONFIG = kube.writeKubeconfig({ namespace: 'ml' });
    // The first list of Jobs answers late, as a busy API server does: the burst arrives before the runtime synced.
    kube.fault({ method: 'GET', path: '/jobs', watch: false, delayMs: 400, times: 1 });
    kube.fault({ method: 'POST', path: '/jobs', delayMs: 50 });
  });
  after(async () => {
    await app?.close();
    await kube.close();
    await slack.close();
    rmSync(data, { recursive: true, force: true });
  });

  it('gives every run exactly one Job', async () => {
    const env = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      TRAINYARD_RUNTIME: 'kubernetes',
      TRAINYARD_DATA: data,
      TRAINYARD_TEMPLATES: join(ROOT, 'manifests'),
    };
    const config = loadConfig(env, ROOT);
    app = await createApp({ config, log: silentLogger, env, chat: 'slack', http: true });
    await app.start();
    const events = `http://127.0.0.1:${(app.chat as SlackChat).listeningPort}/slack/events`;
    assert.equal((await fetch(events.replace('/slack/events', '/healthz'))).status, 200);
    const sent = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        sendSigned(
          events,
          slashCommand('sleep seconds=60', { triggerId: `burst-${i}`, responseUrl: slack.responseUrl() }),
          { secret: SECRET },
        ),
      ),
    );
    assert.ok(sent.every((r) => r.status === 200));
    // Wait until every run has a Job and the runtime has synced, then a while longer for twins.
    for (let i = 0; i < 400; i++) {
      const runs = new Set(kube.jobs().map((j) => j.metadata.labels[LABELS.run]));
      if (runs.size >= 100 && app.runtime.ready()) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const jobsPerRun = new Map<string, number>();
    for (const job of kube.jobs()) {
      const run = job.metadata.labels[LABELS.run];
      jobsPerRun.set(run, (jobsPerRun.get(run) ?? 0) + 1);
    }
    assert.equal(jobsPerRun.size, 100);
    const doubled = [...jobsPerRun].filter(([, n]) => n > 1);
    assert.deepEqual(doubled, []);
  });
});
