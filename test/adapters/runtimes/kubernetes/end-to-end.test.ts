/**
 * The real `trainyard` process with TRAINYARD_RUNTIME=kubernetes and KUBECONFIG pointing at the
 * fake API server: the test plays the cluster (starts the pod, writes its log, ends it).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { eventually } from '../../../support/eventually.ts';
import { FakeKubeApiServer } from '../../../support/kube-api-server.ts';

interface Bot {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

describe('trainyard on Kubernetes, end to end', () => {
  let fake: FakeKubeApiServer;
  let data: string;

  beforeEach(async () => {
    fake = await FakeKubeApiServer.start();
    data = mkdtempSync(join(tmpdir(), 'trainyard-k8s-e2e-'));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(data, { recursive: true, force: true });
  });

  function trainyard(
    args: string[],
    extraEnv: Record<string, string> = {},
    stdin: 'ignore' | 'pipe' = 'ignore',
  ): Bot {
    const child = spawn(process.execPath, ['bin/trainyard.mjs', ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: data,
        NODE_ENV: 'test',
        TRAINYARD_RUNTIME: 'kubernetes',
        KUBECONFIG: fake.writeKubeconfig({ namespace: 'ml', dir: data }),
        TRAINYARD_DATA: join(data, 'state'),
        TRAINYARD_TEMPLATES: 'manifests',
        ...extraEnv,
      },
      // `start` reads the console from stdin: an open pipe keeps it running.
      stdio: [stdin, 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout?.on('data', (d) => {
      text += d;
    });
    child.stderr?.on('data', (d) => {
      text += d;
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => text, exit };
  }

  /** The name of the pod of the one run the bot starts, once the fake has it. */
  async function firstPod(): Promise<string> {
    const pods = await poll(
      'a pod',
      async () => fake.pods(),
      (found) => found.length > 0,
    );
    return pods[0].metadata.name;
  }

  /** Plays the kubelet for the one run the bot starts. */
  async function runPod(lines: string[], exitCode: number): Promise<void> {
    const pod = await firstPod();
    fake.startContainer(pod);
    fake.log(pod, lines);
    fake.terminate(pod, exitCode);
  }

  it('`trainyard console -e` launches a Job, follows it, and exits 0 when it succeeds', async () => {
    const bot = trainyard(['console', '-e', 'sleep seconds=2']);
    await runPod(['step 1/2', 'step 2/2'], 0);
    assert.equal(await bot.exit, 0, bot.output());
    const job = fake.jobs()[0];
    assert.equal(job.metadata.namespace, 'ml');
    assert.equal(job.metadata.labels['app.kubernetes.io/managed-by'], 'trainyard');
    assert.deepEqual(job.spec.template.spec.containers[0].args.slice(1), ['2', '0']);
    assert.equal(fake.count('POST'), 1);
  });

  it('exits 1 when the Job fails', async () => {
    const bot = trainyard(['console', '-e', 'sleep seconds=1 exit_code=3']);
    await runPod(['step 1/1'], 3);
    assert.equal(await bot.exit, 1, bot.output());
  });

  it('`trainyard start` answers /readyz with 503 until it has synced with the cluster, then 200', async () => {
    // The watches cannot open at first, so the bot is up but not ready.
    fake.fault({ watch: false, status: 503 });
    // PORT=0: the bot takes a free port and logs it, so no other test can take it first. On the
    // console chat the log is TRAINYARD_DATA/trainyard.log.
    const bot = trainyard(['start'], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, 'pipe');
    const logFile = () => {
      try {
        return readFileSync(join(data, 'state', 'trainyard.log'), 'utf8');
      } catch {
        return '';
      }
    };
    try {
      const served = await poll(
        'the health port in the log',
        async () => /"msg":"serving health and metrics".*"port":(\d+)/.exec(logFile()),
        (match) => match !== null,
      );
      const port = Number(served?.[1]);
      const readyz = async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/readyz`);
          return { status: res.status, body: await res.text() };
        } catch {
          return { status: 0, body: '' };
        }
      };
      const answer = await poll('/readyz to answer', readyz, (a) => a.status !== 0);
      assert.equal(answer.status, 503, answer.body);
      assert.match(answer.body, /^not ready/);
      fake.clearFaults();
      await poll('/readyz to say ready', readyz, (a) => a.status === 200);
      assert.equal(fake.count('POST'), 0);
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exit;
    }
  });

  it('`trainyard start` restarted mid-run archives every log line once: none repeated, none lost', async () => {
    const state = join(data, 'state');
    /** The run's archived log file, or '' before it exists. */
    const archived = async () => {
      try {
        const [file] = readdirSync(join(state, 'logs')).filter((name) => name.endsWith('.log'));
        return file ? readFileSync(join(state, 'logs', file), 'utf8') : '';
      } catch {
        return '';
      }
    };
    const env = { PORT: '0', HOST: '127.0.0.1' };
    const first = trainyard(['start'], env, 'pipe');
    try {
      first.child.stdin?.write('sleep seconds=60\n');
      const pod = await firstPod();
      fake.startContainer(pod);
      // Pinned times within one second: the resumed stream starts at that whole second.
      fake.log(pod, ['line 1'], '2026-01-01T10:00:01.100000000Z');
      fake.log(pod, ['line 2'], '2026-01-01T10:00:01.200000000Z');
      await poll('the first lines to be archived', archived, (text) => text.includes('line 2'));
      // The live file is written a moment after a change (writes are batched): '' until then.
      const storeFile = async () => {
        try {
          return readFileSync(join(state, 'trainyard.json'), 'utf8');
        } catch {
          return '';
        }
      };
      await poll('the log cursor to be stored', storeFile, (text) => text.includes('10:00:01.200000000Z'));
    } finally {
      first.child.kill('SIGTERM');
      await first.exit;
    }

    const pod = fake.pods()[0].metadata.name;
    fake.log(pod, ['line 3'], '2026-01-01T10:00:01.300000000Z');
    const second = trainyard(['start'], env, 'pipe');
    try {
      await poll('the line printed while down', archived, (text) => text.includes('line 3'));
      fake.log(pod, ['line 4'], '2026-01-01T10:00:02.000000000Z');
      fake.terminate(pod, 0);
      await poll('the last line', archived, (text) => text.includes('line 4'));
      assert.equal(await archived(), 'line 1\nline 2\nline 3\nline 4\n', second.output());
      assert.equal(fake.count('POST'), 1, 'the run was not launched again');
    } finally {
      second.child.kill('SIGTERM');
      await second.exit;
    }
  });
});

/** Asks `probe` until `done` holds for its answer, and returns that answer; fails after a minute. */
async function poll<T>(what: string, probe: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  const found = await eventually(
    what,
    async () => {
      const answer = await probe();
      return done(answer) ? { answer } : undefined;
    },
    { timeoutMs: 60_000, everyMs: 20 },
  );
  return found.answer;
}
