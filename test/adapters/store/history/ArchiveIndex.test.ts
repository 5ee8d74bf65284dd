import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ArchiveIndex,
  emptyRows,
  type SegmentRows,
} from '../../../../src/adapters/store/history/ArchiveIndex.ts';

/** A segment's rows for these record numbers (ids `r-<n>`, owner U1 unless given), 100 bytes a line. */
function rows(segment: number, numbers: number[], owner = (_n: number) => 'U1'): SegmentRows {
  const r = emptyRows(segment);
  for (const [i, n] of numbers.entries()) append(r, n, owner(n), i * 100);
  return r;
}

function append(r: SegmentRows, n: number, owner: string, offset = r.offsets.length * 100): void {
  r.ids.push(`r-${n}`);
  r.numbers.push(n);
  r.owners.push(owner);
  r.offsets.push(offset);
  r.lengths.push(99);
}

describe('ArchiveIndex', () => {
  it('finds records by id and number; a record archived again points at its newest line', () => {
    const index = new ArchiveIndex();
    index.add(rows(1, [1, 2]));
    index.add(rows(2, [1]));
    assert.equal(index.size, 2);
    assert.deepEqual(index.get('r-1'), {
      id: 'r-1',
      number: 1,
      owner: 'U1',
      segment: 2,
      offset: 0,
      length: 99,
    });
    assert.equal(index.getByNumber(2)?.segment, 1);
    assert.equal(index.getByNumber(3), undefined);
    assert.equal(index.get('r-3'), undefined);
    assert.equal(index.countIn(1), 1);
    assert.equal(index.countIn(2), 1);
    assert.deepEqual([...index.numbersNewestFirst()], [2, 1], 'listed once');
    assert.deepEqual([...index.numbersNewestFirst('U1')], [2, 1]);
  });

  it('lists each owner’s numbers newest first, whatever order they were archived in', () => {
    const index = new ArchiveIndex();
    index.add(rows(1, [3, 1, 7, 5, 2], (n) => (n % 2 ? 'U1' : 'U2')));
    assert.deepEqual([...index.numbersNewestFirst('U1')], [7, 5, 3, 1]);
    assert.deepEqual([...index.numbersNewestFirst('U2')], [2]);
    assert.deepEqual([...index.numbersNewestFirst('U9')], []);
    assert.equal(index.highestNumber(), 7);
  });

  it('takes lines appended to a segment it already holds, before and after its maps are built', async () => {
    const index = new ArchiveIndex();
    const open = rows(1, [1, 2]);
    index.add(open);
    append(open, 3, 'U2');
    index.add(open, 2);
    assert.equal(index.get('r-3')?.offset, 200, 'the first lookup by id builds the maps');
    append(open, 4, 'U2');
    index.add(open, 3);
    await index.warmUp();
    assert.deepEqual([...index.numbersNewestFirst('U2')], [4, 3]);
    assert.equal(index.countIn(1), 4);
    assert.equal(index.size, 4);
  });

  it('forgets a dropped segment’s records, except those archived again later', async () => {
    const index = new ArchiveIndex();
    index.add(rows(1, [1, 2, 3]));
    await index.warmUp();
    index.add(rows(2, [4, 2]));
    const removed = index.removeSegment(1);
    assert.deepEqual(removed.map((e) => e.number).sort(), [1, 3]);
    assert.deepEqual([...index.numbersNewestFirst('U1')], [4, 2]);
    assert.deepEqual([...index.numbersNewestFirst()], [4, 2]);
    assert.equal(index.get('r-1'), undefined);
    assert.equal(index.getByNumber(2)?.segment, 2);
    assert.equal(index.countIn(2), 2);
    assert.equal(index.size, 2);
    index.removeSegment(2);
    assert.equal(index.highestNumber(), 0);
  });

  it('holds numbers far beyond the usual range without a huge table', () => {
    const index = new ArchiveIndex();
    index.add(rows(1, [5, 2 ** 30, 7]));
    assert.equal(index.getByNumber(2 ** 30)?.id, `r-${2 ** 30}`);
    assert.deepEqual([...index.numbersNewestFirst()], [2 ** 30, 7, 5]);
    assert.equal(index.highestNumber(), 2 ** 30);
    index.add(rows(2, [8]));
    index.removeSegment(1);
    assert.equal(index.highestNumber(), 8);
  });
});
