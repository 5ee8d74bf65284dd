import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  instanceKey,
  matrixCombinations,
  matrixSize,
  stepInstances,
} from '../../../src/core/pipeline/matrix.ts';

describe('matrix', () => {
  it('lists every combination, the first param varying slowest', () => {
    assert.deepEqual(matrixCombinations({ lr: [0.1, 0.2], opt: ['sgd', 'adam'] }), [
      { lr: 0.1, opt: 'sgd' },
      { lr: 0.1, opt: 'adam' },
      { lr: 0.2, opt: 'sgd' },
      { lr: 0.2, opt: 'adam' },
    ]);
    assert.equal(matrixSize({ a: [1, 2, 3], b: [1, 2] }), 6);
    assert.deepEqual(matrixCombinations({}), [{}]);
  });

  it('gives a step one instance, or one per combination keyed step#index', () => {
    assert.deepEqual(stepInstances({ name: 'prep', template: 't', params: {}, needs: [] }), [
      { key: 'prep', step: 'prep', values: {} },
    ]);
    assert.deepEqual(
      stepInstances({ name: 'train', template: 't', params: {}, needs: [], matrix: { lr: [1, 2] } }),
      [
        { key: 'train#1', step: 'train', index: 1, values: { lr: 1 } },
        { key: 'train#2', step: 'train', index: 2, values: { lr: 2 } },
      ],
    );
    assert.equal(instanceKey('a'), 'a');
    assert.equal(instanceKey('a', 3), 'a#3');
  });
});
