import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineTail } from '../../../../src/adapters/runtimes/kubernetes/line-tail.ts';

describe('LineTail', () => {
  it('keeps only the last lines, oldest first, and cuts runaway lines', () => {
    const tail = new LineTail(3, 5);
    tail.push(['1', '2']);
    assert.deepEqual(tail.last(10), ['1', '2']);
    tail.push(['3', '4', '5', 'abcdefgh']);
    assert.deepEqual(tail.last(10), ['4', '5', 'abcde…']);
    assert.deepEqual(tail.last(2), ['5', 'abcde…']);
  });
});
