import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { END_STATES, RUN_STATES, type Run, type RunState } from '../../../src/core/run/run.ts';
import { applyUpdate, describeState } from '../../../src/core/run/status-machine.ts';
import { newRunId, RUN_ID_PATTERN } from '../../../src/shared/run-id.ts';
import { makeRun } from '../../support/make-run.ts';

const NOW = new Date('2026-01-02T03:04:05.000Z');

function run(state: RunState, extra: Partial<Run> = {}): Run {
  return makeRun({ id: 'r-0123456789', number: 7, state, ...extra });
}

// Every (from, to) pair and whether the status machine lets it through.
const ALLOWED: Record<RunState, RunState[]> = {
  queued: ['building', 'pending', 'running', 'succeeded', 'failed', 'stopped', 'lost'],
  building: ['pending', 'running', 'succeeded', 'failed', 'stopped', 'lost'],
  pending: ['running', 'succeeded', 'failed', 'stopped', 'lost'],
  running: ['succeeded', 'failed', 'stopped', 'lost'],
  succeeded: [],
  failed: [],
  stopped: [],
  lost: [],
};

describe('applyUpdate transitions', () => {
  for (const from of RUN_STATES) {
    for (const to of RUN_STATES) {
      if (from === to) continue;
      const allowed = ALLOWED[from].includes(to);
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const next = applyUpdate(run(from), { state: to, reason: 'Because.' }, NOW);
        if (allowed) assert.equal(next?.state, to);
        else assert.equal(next, undefined);
      });
    }
  }
});

describe('applyUpdate details', () => {
  it('treats the same state with no new reason as no change', () => {
    assert.equal(
      applyUpdate(run('pending', { reason: 'Unschedulable' }), { state: 'pending' }, NOW),
      undefined,
    );
    assert.equal(
      applyUpdate(
        run('pending', { reason: 'Unschedulable' }),
        { state: 'pending', reason: 'Unschedulable' },
        NOW,
      ),
      undefined,
    );
  });

  it('takes a new reason in the same state', () => {
    const next = applyUpdate(
      run('pending', { reason: 'Unschedulable' }),
      { state: 'pending', reason: 'ImagePullBackOff' },
      NOW,
    );
    assert.equal(next?.reason, 'ImagePullBackOff');
    assert.equal(next?.state, 'pending');
  });

  it('never changes an end state, not even its reason', () => {
    for (const state of END_STATES) {
      assert.equal(applyUpdate(run(state, { reason: 'x' }), { state, reason: 'y' }, NOW), undefined);
    }
  });

  it('sets startedAt on entering running, from the update time when given', () => {
    const at = new Date('2026-01-02T03:00:00.000Z');
    assert.equal(applyUpdate(run('pending'), { state: 'running' }, NOW)?.startedAt, NOW.toISOString());
    assert.equal(applyUpdate(run('queued'), { state: 'running', at }, NOW)?.startedAt, at.toISOString());
  });

  it('drops the pending reason once running', () => {
    assert.equal(
      applyUpdate(run('pending', { reason: 'Unschedulable' }), { state: 'running' }, NOW)?.reason,
      undefined,
    );
  });

  it('sets endedAt and exitCode on entering an end state', () => {
    const next = applyUpdate(run('running'), { state: 'failed', reason: 'OOMKilled', exitCode: 137 }, NOW);
    assert.equal(next?.endedAt, NOW.toISOString());
    assert.equal(next?.exitCode, 137);
    assert.equal(next?.reason, 'OOMKilled');
  });

  it('fills a reason for failed and lost runs that came without one', () => {
    assert.equal(
      applyUpdate(run('running'), { state: 'failed', exitCode: 2 }, NOW)?.reason,
      'The job exited with code 2.',
    );
    assert.equal(
      applyUpdate(run('running'), { state: 'failed' }, NOW)?.reason,
      'The job failed without giving a reason.',
    );
    assert.match(applyUpdate(run('running'), { state: 'lost' }, NOW)?.reason ?? '', /disappeared/);
    assert.equal(applyUpdate(run('running'), { state: 'succeeded', exitCode: 0 }, NOW)?.reason, undefined);
  });

  it('records who stopped a run, as an id beside the reason (never as markup in it)', () => {
    const next = applyUpdate(run('running'), { state: 'stopped', stoppedBy: 'UALICE' }, NOW);
    assert.equal(next?.stoppedBy, 'UALICE');
    assert.equal(next?.reason, undefined);
    assert.equal(
      applyUpdate(run('running'), { state: 'failed', stoppedBy: 'UALICE' }, NOW)?.stoppedBy,
      undefined,
    );
  });

  it("ends a lost run when it was last seen alive, not when the loss was noticed after a bot's downtime", () => {
    const started = run('running', { startedAt: '2026-01-02T03:00:00.000Z' });
    const reported = applyUpdate(
      started,
      { state: 'lost', lastSeenAt: new Date('2026-01-02T03:00:13.000Z') },
      NOW,
    );
    assert.equal(reported?.endedAt, '2026-01-02T03:00:13.000Z');
    assert.equal(reported?.lastSeenAt, '2026-01-02T03:00:13.000Z');

    const recorded = applyUpdate(
      { ...started, lastSeenAt: '2026-01-02T03:00:20.000Z' },
      { state: 'lost' },
      NOW,
    );
    assert.equal(recorded?.endedAt, '2026-01-02T03:00:20.000Z');

    // Nothing known: the moment the loss was noticed, as before.
    assert.equal(applyUpdate(started, { state: 'lost' }, NOW)?.endedAt, NOW.toISOString());
    // A report outside the run's life is kept within it.
    const early = applyUpdate(started, { state: 'lost', lastSeenAt: new Date('2025-01-01T00:00:00Z') }, NOW);
    assert.equal(early?.endedAt, '2026-01-02T03:00:00.000Z');
    const late = applyUpdate(started, { state: 'lost', lastSeenAt: new Date('2027-01-01T00:00:00Z') }, NOW);
    assert.equal(late?.endedAt, NOW.toISOString());
  });

  it('does not modify the run it was given', () => {
    const before = run('running');
    const copy = structuredClone(before);
    applyUpdate(before, { state: 'failed', exitCode: 1 }, NOW);
    assert.deepEqual(before, copy);
  });
});

describe('describeState', () => {
  it('gives one short phrase', () => {
    assert.equal(
      describeState(run('failed', { reason: 'OOMKilled', exitCode: 137 })),
      'failed: OOMKilled (exit 137)',
    );
    assert.equal(
      describeState(run('failed', { reason: 'The job exited with code 2.', exitCode: 2 })),
      'failed: The job exited with code 2',
    );
    assert.equal(describeState(run('pending', { reason: 'Unschedulable' })), 'pending: Unschedulable');
    assert.equal(describeState(run('building')), 'building image');
    assert.equal(describeState(run('succeeded', { exitCode: 0 })), 'succeeded');
    assert.equal(describeState(run('stopped', { reason: 'Stopped by U1.' })), 'stopped: Stopped by U1');
  });
});

describe('newRunId', () => {
  it('makes distinct ids that are valid Kubernetes label values', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRunId()));
    assert.equal(ids.size, 1000);
    for (const id of ids) {
      assert.match(id, RUN_ID_PATTERN);
      assert.match(id, /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/);
    }
  });
});
