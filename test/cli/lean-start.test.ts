import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeKubeApiServer } from '../support/kube-api-server.ts';
import { FakeSlackApi } from '../support/slack-api.ts';

// Issue 11: @kubernetes/client-node (~1 s, ~75 MB), dockerode (~0.3 s, ~25 MB) and @slack/bolt
// (~0.4 s, ~35 MB) load only when their part is used. Runs the compiled bin/trainyard.mjs with a
// preload that writes down every npm package the process loads.
const ROOT = join(import.meta.dirname, '../..');
const TRACE = join(import.meta.dirname, 'fixtures', 'trace-packages.cjs');
const HEAVY = ['@kubernetes/client-node', '@slack/bolt', 'dockerode'];
const temp = mkdtempSync(join(tmpdir(), 'trainyard-lean-'));
let runs = 0;

interface Traced {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
  packages: () => Set<string>;
}

function trainyard(args: string[], env: Record<string, string>): Traced {
  const trace = join(temp, `trace-${++runs}.txt`);
  writeFileSync(trace, '');
  const child = spawn(process.execPath, ['--require', TRACE, join(ROOT, 'bin/trainyard.mjs'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: temp, // no ~/.kube/config
      TRAINYARD_DATA: join(temp, `data-${runs}`),
      TRACE_PACKAGES: trace,
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c) => (stderr += c));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const packages = () => new Set(readFileSync(trace, 'utf8').split('\n').filter(Boolean));
  return { child, stderr: () => stderr, exit, packages };
}

const heavyIn = (packages: Set<string>) => HEAVY.filter((name) => packages.has(name));

// The four starts are independent processes, so they run at once.
describe('lean start: heavy clients load only for the part that uses them', { concurrency: true }, () => {
  let kube: FakeKubeApiServer;
  let slack: FakeSlackApi;
  before(async () => {
    kube = await FakeKubeApiServer.start();
    slack = await FakeSlackApi.start({ token: 'xoxb-lean' });
  });
  after(async () => {
    await kube.close();
    await slack.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('the console with local processes loads none of them', async () => {
    const bot = trainyard(['console', '-e', 'list'], { TRAINYARD_RUNTIME: 'process' });
    assert.equal(await bot.exit, 0, bot.stderr());
    assert.deepEqual(heavyIn(bot.packages()), []);
    assert.ok(bot.packages().has('zod'), 'the trace sees packages at all');
  });

  it('auto without a kubeconfig looks for a cluster without loading the Kubernetes client', async () => {
    const bot = trainyard(['console', '-e', 'list'], {
      TRAINYARD_RUNTIME: 'auto',
      DOCKER_HOST: `unix://${join(temp, 'no-docker.sock')}`,
    });
    assert.equal(await bot.exit, 0, bot.stderr());
    // dockerode is what asks whether an engine answers, so it may load; client-node and Bolt may not.
    assert.deepEqual(
      heavyIn(bot.packages()).filter((name) => name !== 'dockerode'),
      [],
    );
  });

  it('Kubernetes loads its client but not dockerode until an image has to be built', async () => {
    const bot = trainyard(['console', '-e', 'list'], {
      TRAINYARD_RUNTIME: 'kubernetes',
      KUBECONFIG: kube.writeKubeconfig({ namespace: 'lean', dir: temp }),
    });
    assert.equal(await bot.exit, 0, bot.stderr());
    assert.deepEqual(heavyIn(bot.packages()), ['@kubernetes/client-node']);
  });

  it('Slack loads Bolt, and with local processes nothing else', async () => {
    const bot = trainyard(['start'], {
      TRAINYARD_RUNTIME: 'process',
      SLACK_BOT_TOKEN: 'xoxb-lean',
      SLACK_SIGNING_SECRET: 'lean-secret',
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: 'info',
    });
    try {
      await new Promise<void>((resolve, reject) => {
        bot.child.stderr?.on('data', () => {
          if (bot.stderr().includes('"msg":"trainyard is running"')) resolve();
        });
        bot.exit.then((code) => reject(new Error(`trainyard start exited with ${code}:\n${bot.stderr()}`)));
      });
      assert.deepEqual(heavyIn(bot.packages()), ['@slack/bolt']);
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exit;
    }
  });
});
