import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runRecords } from '../../../src/adapters/store/run-records.ts';
import {
  fromStoredRun,
  isColumnarHistory,
  packHistory,
  toStoredRun,
  unpackHistory,
} from '../../../src/adapters/store/stored-run.ts';
import type { MetricSample } from '../../../src/core/run/run.ts';
import { makeRun } from '../../support/make-run.ts';

const run = makeRun({
  id: 'r-0000000001',
  state: 'succeeded',
  metrics: { loss: 0.2 },
  history: [
    { at: 1_767_225_600_000, values: { loss: 1 } },
    { at: 1_767_225_630_000, values: { loss: 0.5, acc: 0.7 } },
    { at: 1_767_225_660_000, values: { acc: 0.9 } },
  ],
});

describe('stored run', () => {
  it('packs a history into columns with time steps, and unpacks it back', () => {
    const packed = packHistory(run.history);
    assert.deepEqual(packed, {
      at: [1_767_225_600_000, 30_000, 30_000],
      values: { loss: [1, 0.5, null], acc: [null, 0.7, 0.9] },
    });
    assert.equal(isColumnarHistory(packed), true);
    assert.deepEqual(unpackHistory(packed), run.history);
    assert.deepEqual(unpackHistory(packHistory([])), []);
  });

  it('keeps each sample’s step, in a column present only when some sample has one', () => {
    const stepped: MetricSample[] = [
      { at: 1000, values: { loss: 1 } },
      { at: 2000, values: { loss: 0.5 }, step: 1 },
      { at: 3000, values: { loss: 0.25 }, step: 2 },
    ];
    const packed = packHistory(stepped);
    assert.deepEqual(packed.steps, [null, 1, 2]);
    assert.equal(isColumnarHistory(packed), true);
    assert.deepEqual(unpackHistory(packed), stepped);
    assert.equal('steps' in packHistory(run.history), false);
    assert.equal(isColumnarHistory({ ...packed, steps: [1] }), false);
    assert.equal(isColumnarHistory({ ...packed, steps: [1, 'x', 2] }), false);
    const withSteps = { ...run, history: stepped };
    assert.deepEqual(fromStoredRun(JSON.parse(runRecords.encode(withSteps))), withSteps);
  });

  it('round-trips a run through its file form', () => {
    assert.deepEqual(fromStoredRun(JSON.parse(JSON.stringify(toStoredRun(run)))), run);
    const bare = { ...run, metrics: {}, history: [] as MetricSample[] };
    const stored = toStoredRun(bare);
    assert.equal('metrics' in stored || 'history' in stored, false);
    assert.deepEqual(fromStoredRun(stored), bare);
  });

  it('a loaded history behaves as a plain array: spread, JSON, replaced', () => {
    const loaded = fromStoredRun(toStoredRun(run));
    assert.deepEqual({ ...loaded }.history, run.history);
    assert.deepEqual(JSON.parse(JSON.stringify(loaded)).history, run.history);
    assert.equal(loaded.history, loaded.history, 'unpacked once, then the same array');
    const other = fromStoredRun(toStoredRun(run));
    other.history = [];
    assert.deepEqual(other.history, []);
  });

  it('rejects columns that do not line up with the times or hold non-numbers', () => {
    assert.equal(isColumnarHistory({ at: [1, 2], values: { loss: [1] } }), false);
    assert.equal(isColumnarHistory({ at: [1], values: { loss: ['x'] } }), false);
    assert.equal(isColumnarHistory({ at: ['1'], values: {} }), false);
    assert.equal(isColumnarHistory([{ at: 1, values: {} }]), false);
    assert.equal(isColumnarHistory(null), false);
  });
});

describe('run records', () => {
  it('encode a run exactly as its stored form, whether or not its history was encoded before', () => {
    const first = runRecords.encode(run);
    assert.equal(first, JSON.stringify(toStoredRun(run)));
    const moved = { ...run, state: 'failed' as const, reason: 'OOMKilled' };
    assert.equal(runRecords.encode(moved), JSON.stringify(toStoredRun(moved)), 'same history array');
    const bare = { ...run, metrics: {}, history: [] };
    assert.equal(runRecords.encode(bare), JSON.stringify(toStoredRun(bare)));
    const decoded = runRecords.decode(JSON.parse(first));
    assert.ok('record' in decoded);
    assert.deepEqual(decoded.record, run);
    assert.deepEqual(runRecords.decode({ ...JSON.parse(first), state: 'done' }), {
      error: 'state: Expected one of queued, building, pending, running, succeeded, failed, stopped, lost',
    });
  });
});
