import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ANNOTATIONS } from '../../src/core/run/run-identity.ts';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { FakeSlackApi } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';

// Issue 11, "lean start": `trainyard start` opens its HTTP port before it loads the runtime and
// the chat, so /healthz (the process is up) answers while they start and /readyz (503 until the
// runtime has synced and interrupted runs are resumed) says when it is done. The real compiled
// bot, against the loopback fakes.
const ROOT = join(import.meta.dirname, '../..');
const SECRET = 'early-secret';
const TOKEN = 'xoxb-early';
const temp = mkdtempSync(join(tmpdir(), 'trainyard-early-'));
let starts = 0;

interface Bot {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  /** The port from the bot's "serving health and metrics" log line (the console's is in its log file). */
  port: Promise<number>;
}

function start(env: Record<string, string>): Bot {
  const data = join(temp, `data-${++starts}`);
  const child = spawn(process.execPath, [join(ROOT, 'bin/trainyard.mjs'), 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: temp, // no ~/.kube/config
      TRAINYARD_DATA: data,
      TRAINYARD_TEMPLATES: join(ROOT, 'manifests'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    // The console chat reads stdin: an open pipe keeps it running.
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const serving = /"msg":"serving health and metrics".*?"port":(\d+)/;
  // The console chat keeps the terminal for itself and logs to TRAINYARD_DATA/trainyard.log.
  const logFile = join(data, 'trainyard.log');
  let poll: NodeJS.Timeout | undefined;
  const port = new Promise<number>((resolve, reject) => {
    const found = (text: string) => {
      const match = serving.exec(text);
      if (!match) return;
      clearInterval(poll);
      resolve(Number(match[1]));
    };
    child.stderr?.on('data', (chunk) => {
      output += chunk;
      found(output);
    });
    poll = setInterval(() => existsSync(logFile) && found(readFileSync(logFile, 'utf8')), 50);
    void exit.then((code) => {
      clearInterval(poll);
      reject(new Error(`trainyard start exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output, exit, port };
}

async function stop(bot: Bot): Promise<void> {
  if (bot.child.exitCode === null) bot.child.kill('SIGTERM');
  await bot.exit;
}

async function get(port: number, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('trainyard start serves /healthz before the runtime and the chat are up', {
  timeout: 90_000,
}, () => {
  let kube: FakeKubeApiServer;
  let slack: FakeSlackApi;
  before(async () => {
    kube = await FakeKubeApiServer.start();
    slack = await FakeSlackApi.start({ token: TOKEN });
  });
  after(async () => {
    await kube.close();
    await slack.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('Slack over HTTP + Kubernetes: alive while the first list of Jobs waits, a command sent at once launches once, ready after', async () => {
    let releaseList = () => {};
    kube.fault({
      method: 'GET',
      path: '/jobs',
      watch: false,
      until: new Promise<void>((resolve) => {
        releaseList = resolve;
      }),
      times: 1,
    });
    const bot = start({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      TRAINYARD_RUNTIME: 'kubernetes',
      KUBECONFIG: kube.writeKubeconfig({ namespace: 'early', dir: temp }),
    });
    try {
      const port = await bot.port;
      assert.equal((await get(port, '/healthz')).status, 200);
      // As soon as the process is alive: Slack's delivery waits for the receiver and is acked, or,
      // on a machine so slow that the receiver takes over 2.5 s to load, gets a 503 Slack retries
      // (or the user sends again, with a new trigger): either way the command runs once.
      for (let attempt = 1; ; attempt++) {
        const sent = await sendSigned(
          `http://127.0.0.1:${port}/slack/events`,
          slashCommand('sleep seconds=60', {
            channel: 'CEARLY',
            triggerId: `early-${attempt}`,
            responseUrl: slack.responseUrl(),
          }),
          { secret: SECRET },
        );
        await sent.text();
        if (sent.status === 200) break;
        assert.equal(sent.status, 503);
        assert.equal(sent.headers.get('retry-after'), '1');
      }
      const notReady = await get(port, '/readyz');
      assert.equal(notReady.status, 503, 'not ready while the first list of Jobs has not come back');
      assert.match(notReady.text, /^not ready: /);
      const metrics = await get(port, '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.text, /nodejs_eventloop_lag_seconds/);
      releaseList();
      await until('/readyz to answer 200', async () => (await get(port, '/readyz')).status === 200);
      const jobs = () =>
        kube.jobs().filter((j) => j.metadata.annotations?.[ANNOTATIONS.channel] === 'CEARLY');
      await until('the run to have its Job', () => jobs().length > 0);
      assert.equal(jobs().length, 1);
    } finally {
      releaseList();
      await stop(bot);
    }
  });

  it('Socket Mode: alive and not ready while Slack does not answer', async () => {
    const release = slack.hold('apps.connections.open');
    const bot = start({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_APP_TOKEN: 'xapp-early',
      SLACK_API_URL: slack.apiUrl,
      TRAINYARD_RUNTIME: 'process',
    });
    try {
      const port = await bot.port;
      // Started as far as it can go without Slack: the process runtime is ready, the chat is not.
      await until(
        '/readyz to wait for Slack alone',
        async () => (await get(port, '/readyz')).text === 'not ready: connecting to Slack\n',
      );
      assert.equal((await get(port, '/healthz')).status, 200);
      assert.equal((await get(port, '/readyz')).status, 503);
      assert.equal((await get(port, '/slack/events')).status, 404, 'Socket Mode serves no events over HTTP');
    } finally {
      release('drop');
      await stop(bot);
    }
  });

  it('the console: /healthz, then /readyz once started', async () => {
    const bot = start({ TRAINYARD_RUNTIME: 'process' });
    try {
      const port = await bot.port;
      assert.equal((await get(port, '/healthz')).status, 200);
      await until('/readyz to answer 200', async () => (await get(port, '/readyz')).status === 200);
    } finally {
      await stop(bot);
    }
  });

  it('stops with one sentence when Slack over HTTP cannot have its port', async () => {
    const taken = start({ TRAINYARD_RUNTIME: 'process' });
    try {
      const port = await taken.port;
      const bot = start({
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        TRAINYARD_RUNTIME: 'process',
        PORT: String(port),
      });
      bot.port.catch(() => {});
      assert.equal(await bot.exit, 1);
      assert.match(
        bot.output(),
        new RegExp(`Trainyard cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\); set PORT`),
      );
      assert.doesNotMatch(bot.output(), /\n\s+at /, 'no stack trace');
    } finally {
      await stop(taken);
    }
  });
});
