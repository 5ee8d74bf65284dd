import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  goneStatus,
  jobFacts,
  jobStatus,
  podFacts,
} from '../../../../src/adapters/runtimes/kubernetes/job-status.ts';

const T0 = new Date('2026-01-01T10:00:00Z');
const GRACE = 5 * 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

function job(status: V1Job['status'] = {}, spec: Partial<NonNullable<V1Job['spec']>> = {}): V1Job {
  return {
    metadata: { name: 'train-1-abcde', labels: { 'trainyard.io/run': 'r-1' } },
    spec: { backoffLimit: 0, template: {}, ...spec },
    status,
  };
}

function pod(status: V1Pod['status'], created = T0.toISOString(), memory = '1Gi'): V1Pod {
  return {
    metadata: {
      name: `train-1-abcde-${created.slice(17, 19)}`,
      labels: { 'trainyard.io/run': 'r-1' },
      creationTimestamp: created as unknown as Date,
    },
    spec: {
      containers: [{ name: 'main', image: 'ghcr.io/acme/train:1.0', resources: { limits: { memory } } }],
    },
    status,
  };
}

const main = (state: object) => ({
  containerStatuses: [
    { name: 'main', image: 'ghcr.io/acme/train:1.0', imageID: '', ready: false, restartCount: 0, state },
  ],
});

function statusOf(j: V1Job, pods: V1Pod[], now = T0) {
  return jobStatus(
    jobFacts(j),
    pods.map((p) => podFacts(p, 'main')),
    { now, stuckGraceMs: GRACE },
  );
}

describe('jobStatus', () => {
  it('is pending while the Job has no pod yet', () => {
    const { update } = statusOf(job(), []);
    assert.equal(update.state, 'pending');
    assert.match(update.reason ?? '', /create its pod/);
  });

  it("says why no node fits, in the scheduler's words", () => {
    const p = pod({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
        },
      ],
    });
    const { update } = statusOf(job({ active: 1 }), [p]);
    assert.equal(update.state, 'pending');
    assert.equal(
      update.reason,
      'Waiting for a node: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
    );
  });

  it('keeps a run whose image cannot be pulled pending, naming the image, until the grace ends', () => {
    const p = pod({
      phase: 'Pending',
      startTime: T0,
      ...main({
        waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/acme/train:1.0"' },
      }),
    });
    const early = statusOf(job(), [p], at(60_000));
    assert.equal(early.update.state, 'pending');
    assert.match(
      early.update.reason ?? '',
      /cannot pull the image "ghcr\.io\/acme\/train:1\.0" \(ImagePullBackOff/,
    );
    assert.deepEqual(early.recheckAt, at(GRACE));
    assert.equal(early.deleteJob, undefined);

    const late = statusOf(job(), [p], at(GRACE));
    assert.equal(late.update.state, 'failed');
    assert.match(late.update.reason ?? '', /"ghcr\.io\/acme\/train:1\.0".*check the image name and tag/);
    assert.equal(late.deleteJob, true);
  });

  it('treats ErrImagePull like ImagePullBackOff', () => {
    const p = pod({ phase: 'Pending', startTime: T0, ...main({ waiting: { reason: 'ErrImagePull' } }) });
    assert.equal(statusOf(job(), [p], at(1000)).update.state, 'pending');
    assert.equal(statusOf(job(), [p], at(GRACE + 1)).update.state, 'failed');
  });

  it('explains a container that cannot be configured (a missing secret)', () => {
    const p = pod({
      phase: 'Pending',
      startTime: T0,
      ...main({ waiting: { reason: 'CreateContainerConfigError', message: 'secret "wandb" not found' } }),
    });
    const { update } = statusOf(job(), [p], at(1000));
    assert.equal(update.state, 'pending');
    assert.match(
      update.reason ?? '',
      /cannot set up the container \(CreateContainerConfigError: secret "wandb" not found\)/,
    );
    const late = statusOf(job(), [p], at(GRACE));
    assert.equal(late.update.state, 'failed');
    assert.match(late.update.reason ?? '', /secrets and config maps/);
  });

  it('is pending while the container is being created', () => {
    const p = pod({ phase: 'Pending', startTime: T0, ...main({ waiting: { reason: 'ContainerCreating' } }) });
    assert.deepEqual(statusOf(job(), [p]).update, { state: 'pending', reason: 'Starting its container.' });
  });

  it('is running once the main container runs', () => {
    const p = pod({ phase: 'Running', ...main({ running: { startedAt: at(5000) } }) });
    assert.deepEqual(statusOf(job({ active: 1 }), [p]).update, { state: 'running', at: at(5000) });
  });

  it('succeeds when the Job completes', () => {
    const done = job({
      succeeded: 1,
      conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: at(9000) }],
    });
    assert.deepEqual(statusOf(done, []).update, { state: 'succeeded', exitCode: 0, at: at(9000) });
  });

  it('fails with the exit code and the last words of the container when retries are used up', () => {
    const failed = job(
      { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
      { backoffLimit: 2 },
    );
    const p = pod({
      phase: 'Failed',
      ...main({ terminated: { exitCode: 3, reason: 'Error', message: 'ValueError: lr' } }),
    });
    const { update } = statusOf(failed, [p]);
    assert.equal(update.state, 'failed');
    assert.equal(update.exitCode, 3);
    assert.equal(
      update.reason,
      'It failed all 3 attempts; its container exited with code 3: ValueError: lr.',
    );
  });

  it('says a run ran out of memory and what its limit was', () => {
    const failed = job({
      failed: 1,
      conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }],
    });
    const p = pod(
      { phase: 'Failed', ...main({ terminated: { exitCode: 137, reason: 'OOMKilled' } }) },
      T0.toISOString(),
      '4Gi',
    );
    const { update } = statusOf(failed, [p]);
    assert.equal(update.exitCode, 137);
    assert.match(
      update.reason ?? '',
      /ran out of memory \(OOMKilled, exit code 137\); raise its memory limit of 4Gi/,
    );
  });

  it('says a run hit its deadline', () => {
    const failed = job(
      { conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }] },
      { activeDeadlineSeconds: 3600 },
    );
    const { update } = statusOf(failed, []);
    assert.equal(update.state, 'failed');
    assert.match(update.reason ?? '', /longer than its deadline of 3600 s/);
  });

  it('names an eviction', () => {
    const failed = job({
      failed: 1,
      conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }],
    });
    const p = pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
    assert.match(
      statusOf(failed, [p]).update.reason ?? '',
      /its pod was evicted: The node was low on resource: memory\./,
    );
  });

  it('reports a retry as pending, judging by the newest pod', () => {
    const first = pod({ phase: 'Failed', ...main({ terminated: { exitCode: 1 } }) }, '2026-01-01T10:00:00Z');
    const retrying = statusOf(job({ failed: 1 }, { backoffLimit: 2 }), [first]);
    assert.equal(retrying.update.state, 'pending');
    assert.match(
      retrying.update.reason ?? '',
      /Retrying: the last attempt failed because its container exited with code 1/,
    );
    const second = pod({ phase: 'Running', ...main({ running: {} }) }, '2026-01-01T10:00:30Z');
    assert.equal(
      statusOf(job({ failed: 1, active: 1 }, { backoffLimit: 2 }), [first, second]).update.state,
      'running',
    );
  });

  it('reads timestamps whether they come as Date (lists) or strings (watch events)', () => {
    const asString = job({
      conditions: [
        { type: 'Complete', status: 'True', lastTransitionTime: '2026-01-01T10:00:09Z' as unknown as Date },
      ],
    });
    assert.deepEqual(statusOf(asString, []).update.at, at(9000));
  });
});

describe('goneStatus', () => {
  it('is stopped when we deleted the Job, lost otherwise', () => {
    assert.equal(goneStatus(true, false).state, 'stopped');
    assert.equal(goneStatus(false, false).state, 'lost');
    assert.equal(goneStatus(false, true).reason, 'Its Job was deleted while Trainyard was down.');
  });
});
