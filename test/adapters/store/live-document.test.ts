import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeDocument, sectionLines } from '../../../src/adapters/store/live-document.ts';

describe('live document layout', () => {
  const lines = ['{"id":"r-1","n":1}', '{"id":"r-2","s":"a,\\nb"}'];
  const bytes = (xs: string[]) => xs.map((x) => Buffer.from(x));
  const text = encodeDocument({ version: 3, nextRunNumber: 3 }, [
    { name: 'schedules', shape: 'list', lines: [] },
    { name: 'keys', shape: 'object', lines: bytes(['"k":1,"j":2', '"i":3']) },
    { name: 'runs', shape: 'list', lines: bytes(lines) },
  ])
    .map((chunk) => chunk.toString('utf8'))
    .join('');
  const startOf = (i: number) => `{"id":"r-${i + 1}",`;

  it('is plain JSON with one member a line', () => {
    assert.deepEqual(JSON.parse(text), {
      version: 3,
      nextRunNumber: 3,
      schedules: [],
      keys: { k: 1, j: 2, i: 3 },
      runs: [
        { id: 'r-1', n: 1 },
        { id: 'r-2', s: 'a,\nb' },
      ],
    });
  });

  it('gives back each record’s line, and nothing for any other layout', () => {
    assert.deepEqual(sectionLines(text, 'runs', 2, startOf), lines);
    assert.deepEqual(sectionLines(text, 'schedules', 0, startOf), []);
    assert.equal(sectionLines(text, 'runs', 3, startOf), undefined, 'count differs');
    assert.equal(
      sectionLines(text, 'runs', 2, () => '{"id":"x"'),
      undefined,
      'records differ',
    );
    const pretty = JSON.stringify(JSON.parse(text), null, 2);
    assert.equal(sectionLines(pretty, 'runs', 2, startOf), undefined);
  });
});
