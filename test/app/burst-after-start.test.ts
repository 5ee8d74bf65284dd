import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SlackChat } from '../../src/adapters/chat/slack/SlackChat.ts';
import { type App, createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { BuildSpec } from '../../src/core/run/run.ts';
import { LABELS } from '../../src/core/run/run-identity.ts';
import type { BuildProgress, ImageBuilder } from '../../src/ports/image-builder.ts';
import { silentLogger } from '../../src/shared/log.ts';
import { eventually } from '../support/eventually.ts';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { FakeSlackApi } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';

const SECRET = 'burst-secret';
const TOKEN = 'xoxb-burst';
const ROOT = join(import.meta.dirname, '../..');

/** Builds take as long as the test says: each waits for release(). */
class SlowBuilder implements ImageBuilder {
  builds = 0;
  private releases: (() => void)[] = [];
  async ensureImage(
    template: string,
    _build: BuildSpec,
    _progress: (p: BuildProgress) => void,
  ): Promise<string> {
    this.builds++;
    await new Promise<void>((resolve) => this.releases.push(resolve));
    return `registry.test/${template}:0123456789ab`;
  }
  release(): void {
    for (const r of this.releases.splice(0)) r();
  }
}

/**
 * The whole app in this process — the real Slack HTTP receiver with signed requests, the real
 * Kubernetes client against the loopback fake API server — started, and at once given work,
 * while the fake answers its first list late and creates Jobs slowly: the window in which
 * recovery used to start runs this very process had just launched.
 */
describe('commands right after start', { timeout: 90_000 }, () => {
  let kube: FakeKubeApiServer;
  let slack: FakeSlackApi;
  const dirs: string[] = [];
  const apps: App[] = [];

  before(async () => {
    kube = await FakeKubeApiServer.start();
    slack = await FakeSlackApi.start({ token: TOKEN });
    process.env.KUBECONFIG = kube.writeKubeconfig({ namespace: 'ml' });
  });
  after(async () => {
    for (const app of apps) await app.close();
    await kube.close();
    await slack.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function startApp(builder?: ImageBuilder): Promise<{ app: App; base: string }> {
    const data = mkdtempSync(join(tmpdir(), 'trainyard-burst-'));
    dirs.push(data);
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
    // The first list of Jobs comes late, and every create takes a while.
    kube.clearFaults();
    kube.fault({ method: 'GET', path: '/jobs', watch: false, delayMs: 2000, times: 1 });
    kube.fault({ method: 'POST', path: '/jobs', delayMs: 1000 });
    const app = await createApp({
      config: loadConfig(env, ROOT),
      log: silentLogger,
      env,
      chat: 'slack',
      http: true,
      builder,
    });
    apps.push(app);
    await app.start();
    return { app, base: `http://127.0.0.1:${(app.chat as SlackChat).listeningPort}` };
  }

  // Each in a channel of its own: Slack's per-channel budget is not what this is about.
  const train = (base: string, text: string, trigger: string) =>
    sendSigned(
      `${base}/slack/events`,
      slashCommand(text, { channel: `C${trigger}`, triggerId: trigger, responseUrl: slack.responseUrl() }),
      { secret: SECRET },
    );
  const ready = async (base: string) => (await fetch(`${base}/readyz`)).status === 200;
  const creates = () => kube.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).length;

  it('gives each of 100 runs sent as soon as /healthz answers exactly one Job', async () => {
    const { base } = await startApp();
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const sent = await Promise.all(
      Array.from({ length: 100 }, (_, i) => train(base, 'sleep seconds=60', `burst-${i}`)),
    );
    assert.ok(sent.every((r) => r.status === 200));
    await eventually('/readyz to answer 200', () => ready(base));
    const runs = () => new Set(kube.jobs().map((j) => j.metadata.labels[LABELS.run]));
    await eventually('every run to have its Job', () => runs().size === 100);
    assert.equal(creates(), 100, 'one create per run');
    const jobsPerRun = new Map<string, number>();
    for (const job of kube.jobs()) {
      const run = job.metadata.labels[LABELS.run];
      jobsPerRun.set(run, (jobsPerRun.get(run) ?? 0) + 1);
    }
    assert.deepEqual(
      [...jobsPerRun].filter(([, n]) => n > 1),
      [],
    );
  });

  it('never builds or submits twice a template with a build launched right after start', async () => {
    const builder = new SlowBuilder();
    const createsBefore = creates();
    const { base } = await startApp(builder);
    assert.equal((await train(base, 'demo epochs=2', 'build-1')).status, 200);
    await eventually('the build to start', () => builder.builds > 0);
    await eventually('/readyz to answer 200', () => ready(base));
    builder.release();
    const demoJobs = () => kube.jobs().filter((j) => j.metadata.labels[LABELS.template] === 'demo');
    await eventually('the run to have its Job', () => demoJobs().length > 0);
    assert.equal(builder.builds, 1, 'one build');
    assert.equal(creates() - createsBefore, 1, 'one create');
    assert.equal(demoJobs().length, 1);
    assert.equal(demoJobs()[0].spec.template.spec.containers[0].image, 'registry.test/demo:0123456789ab');
  });
});
