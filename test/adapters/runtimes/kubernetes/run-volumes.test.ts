import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { jobStatus, podFacts } from '../../../../src/adapters/runtimes/kubernetes/job-status.ts';
import { commitFromLog, runVolumeParts } from '../../../../src/adapters/runtimes/kubernetes/run-volumes.ts';
import { makeGitRepo } from '../../../support/git-repo.ts';
import { makeRun } from '../../../support/make-run.ts';

describe('the init container that clones a run’s code', () => {
  const repo = makeGitRepo();
  const work = mkdtempSync(join(tmpdir(), 'trainyard-init-'));
  after(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(join(repo.dir, '..'), { recursive: true, force: true });
  });

  /** Runs the init container's own script with sh and git here, /code moved into a temp folder. */
  function runInit(ref: string | undefined, url = repo.url) {
    const [init] = runVolumeParts(makeRun({}, { code: { git: url, ...(ref && { ref }) } }), {
      gitImage: 'alpine/git:v2.47.2',
    }).initContainers;
    const code = mkdtempSync(join(work, 'code-'));
    const script = (init.command?.[2] ?? '').replaceAll('/code', code);
    const env = Object.fromEntries((init.env ?? []).map((e) => [e.name, e.value ?? '']));
    const result = spawnSync(init.command?.[0] ?? 'sh', [init.command?.[1] ?? '-c', script], {
      env: { PATH: process.env.PATH, HOME: work, ...env },
      encoding: 'utf8',
    });
    return { ...result, code };
  }

  for (const [ref, commit, file] of [
    [undefined, 'first', 'main'],
    ['feature', 'feature', 'feature'],
    ['v1', 'feature', 'feature'],
  ] as const) {
    it(`checks out ${ref ?? 'the default branch'} and prints the commit as its last line`, () => {
      const { status, stdout, stderr, code } = runInit(ref);
      assert.equal(status, 0, stderr);
      assert.equal(commitFromLog(stdout), repo.commits[commit]);
      assert.match(readFileSync(join(code, 'script.mjs'), 'utf8'), new RegExp(`code from ${file}`));
    });
  }

  it('fails with git’s words when the ref does not exist, printing no commit', () => {
    const { status, stdout, stderr } = runInit('no-such-branch');
    assert.notEqual(status, 0);
    assert.equal(commitFromLog(stdout), undefined);
    assert.match(stderr, /no-such-branch/);
  });

  it('reads only a well-formed commit line', () => {
    assert.equal(commitFromLog('trainyard-commit nope\n'), undefined);
    assert.equal(commitFromLog(`noise\ntrainyard-commit ${'a'.repeat(40)}\n`), 'a'.repeat(40));
  });
});

describe('a clone that failed, as the run’s reason', () => {
  it('says cloning failed with git’s last line, credentials removed', () => {
    const pod = {
      metadata: { name: 'p', labels: { 'trainyard.io/run': 'r-1' } },
      spec: {
        initContainers: [{ name: 'code', image: 'alpine/git:v2.47.2' }],
        containers: [{ name: 'main', image: 'x' }],
      },
      status: {
        phase: 'Failed',
        initContainerStatuses: [
          {
            name: 'code',
            image: 'alpine/git:v2.47.2',
            ready: false,
            restartCount: 0,
            state: {
              terminated: {
                exitCode: 128,
                message:
                  "Cloning into '/code'...\nfatal: Authentication failed for 'https://bot:s3cret@git.example.com/repo.git/'",
              },
            },
          },
        ],
        containerStatuses: [
          {
            name: 'main',
            image: 'x',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'PodInitializing' } },
          },
        ],
      },
    } as unknown as V1Pod;
    const facts = podFacts(pod, 'main');
    const job = {
      name: 'j',
      runId: 'r-1',
      failedPods: 1,
      backoffLimit: 0,
      outcome: { kind: 'failed' as const, reason: 'BackoffLimitExceeded' },
    };
    const { update } = jobStatus(job, [facts], { now: new Date(), stuckGraceMs: 1000 });
    assert.equal(update.state, 'failed');
    assert.equal(
      update.reason,
      "It failed its only attempt; cloning its code from git failed (exit code 128): fatal: Authentication failed for 'https://***@git.example.com/repo.git/'.",
    );
    assert.doesNotMatch(update.reason ?? '', /s3cret/);
  });

  it('says the code is being cloned while the init container runs', () => {
    const pod = {
      metadata: { name: 'p', labels: { 'trainyard.io/run': 'r-1' } },
      spec: { initContainers: [{ name: 'code', image: 'g' }], containers: [{ name: 'main', image: 'x' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'code', image: 'g', ready: false, restartCount: 0, state: { running: {} } },
        ],
        containerStatuses: [
          {
            name: 'main',
            image: 'x',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'PodInitializing' } },
          },
        ],
      },
    } as unknown as V1Pod;
    const job = { name: 'j', runId: 'r-1', failedPods: 0 };
    const { update } = jobStatus(job, [podFacts(pod, 'main')], { now: new Date(), stuckGraceMs: 1000 });
    assert.deepEqual(update, { state: 'pending', reason: 'Cloning its code from git.' });
  });
});
