import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ArchivedEntry, ArchiveIndex } from '../../../../src/adapters/store/history/ArchiveIndex.ts';

const entry = (number: number, segment: number, owner = 'U1', id = `r-${number}`): ArchivedEntry => ({
  id,
  number,
  owner,
  segment,
  offset: number * 100,
  length: 99,
});

describe('ArchiveIndex', () => {
  it('finds records by id and number; a record archived again points at its newest line', () => {
    const index = new ArchiveIndex();
    index.add([entry(1, 1), entry(2, 1)]);
    index.add([{ ...entry(1, 2), offset: 7 }]);
    assert.equal(index.size, 2);
    assert.equal(index.get('r-1')?.segment, 2);
    assert.equal(index.getByNumber(1)?.offset, 7);
    assert.equal(index.countIn(1), 1);
    assert.equal(index.countIn(2), 1);
    assert.deepEqual([...index.numbersNewestFirst()], [2, 1], 'listed once');
  });

  it('lists each owner’s numbers newest first, whatever order they were archived in', () => {
    const index = new ArchiveIndex();
    index.add([3, 1, 7, 5, 2].map((n) => entry(n, 1, n % 2 ? 'U1' : 'U2')));
    assert.deepEqual([...index.numbersNewestFirst('U1')], [7, 5, 3, 1]);
    assert.deepEqual([...index.numbersNewestFirst('U2')], [2]);
    assert.deepEqual([...index.numbersNewestFirst('U9')], []);
    assert.equal(index.highestNumber(), 7);
  });

  it('forgets a dropped segment’s records, except those archived again later', () => {
    const index = new ArchiveIndex();
    index.add([1, 2, 3].map((n) => entry(n, 1)));
    index.add([entry(4, 2), entry(2, 2)]);
    const removed = index.removeSegment(1);
    assert.deepEqual(removed.map((e) => e.number).sort(), [1, 3]);
    assert.deepEqual([...index.numbersNewestFirst('U1')], [4, 2]);
    assert.equal(index.get('r-1'), undefined);
    assert.equal(index.getByNumber(2)?.segment, 2);
    assert.equal(index.countIn(2), 2);
  });
});
