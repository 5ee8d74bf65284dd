import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mainMetric } from '../../../src/core/chart/main-metric.ts';

describe('mainMetric', () => {
  it('is the objective metric when the run reported it, else the first one reported', () => {
    assert.equal(mainMetric({ loss: 1, val_acc: 0.9 }, 'val_acc'), 'val_acc');
    assert.equal(mainMetric({ loss: 1, val_acc: 0.9 }, 'f1'), 'loss');
    assert.equal(mainMetric({ loss: 1 }), 'loss');
    assert.equal(mainMetric({}), undefined);
    // An inherited name is not a reported metric.
    assert.equal(mainMetric({ loss: 1 }, 'toString'), 'loss');
  });
});
