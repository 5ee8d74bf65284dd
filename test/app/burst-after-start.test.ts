import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SlackChat } from '../../src/adapters/chat/slack/SlackChat.ts';
import { type App, createApp } from '../../src/app/create-app.ts';
import { type HttpSide, openHttpSide } from '../../src/app/http-side.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { BuildSpec } from '../../src/core/run/run.ts';
import { ANNOTATIONS, LABELS } from '../../src/core/run/run-identity.ts';
import type { BuildProgress, ImageBuilder } from '../../src/ports/image-builder.ts';
import { silentLogger } from '../../src/shared/log.ts';
import { eventually } from '../support/eventually.ts';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { FakeSlackApi } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';
import { ROOT, slackOnClusterEnv } from '../support/trainyard-cli.ts';

const SECRET = 'burst-secret';
const TOKEN = 'xoxb-burst';

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
  const sides: HttpSide[] = [];

  before(async () => {
    kube = await FakeKubeApiServer.start();
    slack = await FakeSlackApi.start({ token: TOKEN });
    process.env.KUBECONFIG = kube.writeKubeconfig({ namespace: 'ml' });
  });
  after(async () => {
    for (const app of apps) await app.close();
    for (const side of sides) await side.close();
    await kube.close();
    await slack.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function appEnv() {
    const data = mkdtempSync(join(tmpdir(), 'trainyard-burst-'));
    dirs.push(data);
    return slackOnClusterEnv({
      slackApiUrl: slack.apiUrl,
      token: TOKEN,
      secret: SECRET,
      data,
      templates: join(ROOT, 'manifests'),
    });
  }

  async function startApp(builder?: ImageBuilder): Promise<{ app: App; base: string }> {
    const env = appEnv();
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

  it('holds commands sent before the chat has started and launches each once; /readyz waits for the first list', async () => {
    const env = appEnv();
    const config = loadConfig(env, ROOT);
    let releaseList = () => {};
    kube.clearFaults();
    kube.fault({
      method: 'GET',
      path: '/jobs',
      watch: false,
      until: new Promise<void>((resolve) => {
        releaseList = resolve;
      }),
      times: 1,
    });
    // As `trainyard start` does: the port opens before the app is built. Deliveries wait for the
    // receiver as long as this test needs (the real bot answers 503 after 2.5 s).
    const side = await openHttpSide({ config, log: silentLogger, slackOverHttp: true, holdMs: 60_000 });
    sides.push(side);
    const base = `http://127.0.0.1:${side.front?.port}`;
    const readyz = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, text: await res.text() };
    };
    assert.equal((await fetch(`${base}/healthz`)).status, 200, '/healthz answers before the app exists');
    assert.deepEqual(await readyz(), {
      status: 503,
      text: 'not ready: starting: loading the state, the runtime and the chat\n',
    });
    const createsBefore = creates();
    const early = Array.from({ length: 20 }, (_, i) => train(base, 'sleep seconds=60', `early-${i}`));
    // Slack's retry of one of them, while both wait.
    const retried = sendSigned(
      `${base}/slack/events`,
      slashCommand('sleep seconds=60', {
        channel: 'Cearly-0',
        triggerId: 'early-0',
        responseUrl: slack.responseUrl(),
      }),
      { secret: SECRET, retryNum: 1 },
    );
    await eventually('the front to hold all 21 deliveries', async () => {
      const open = await new Promise<number>((resolve) =>
        side.front?.server.getConnections((_e, n) => resolve(n)),
      );
      return open >= 21;
    });
    const app = await createApp({ config, log: silentLogger, env, chat: 'slack', http: side });
    apps.push(app);
    assert.equal((await fetch(`${base}/healthz`)).status, 200, '/healthz answers while the app starts');
    await app.start();
    const answers = await Promise.all([...early, retried]);
    assert.deepEqual(
      answers.map((r) => r.status),
      answers.map(() => 200),
    );
    // The runtime has not had its first list yet: alive, not ready.
    const waiting = await readyz();
    assert.equal(waiting.status, 503);
    assert.match(waiting.text, /kubernetes runtime is not connected yet/);
    releaseList();
    await eventually('/readyz to answer 200', () => ready(base));
    // Each early command's channel is its own: one Job per channel, and no more creates than that.
    const earlyJobs = () =>
      kube.jobs().filter((j) => j.metadata.annotations?.[ANNOTATIONS.channel]?.startsWith('Cearly-'));
    await eventually('every early command to have its Job', () => earlyJobs().length >= 20);
    assert.equal(new Set(earlyJobs().map((j) => j.metadata.annotations?.[ANNOTATIONS.channel])).size, 20);
    assert.equal(earlyJobs().length, 20, 'one Job per command, none for the retry');
    assert.equal(creates() - createsBefore, 20, 'one create per command');
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
