import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { capLine, createLineSplitter, MAX_LINE_CHARS, splitLines } from '../../src/shared/line-splitter.ts';

/** Feeds `text` to a splitter in the given pieces and returns every line it gave out. */
function feed(text: string, cuts: number[], opts?: Parameters<typeof createLineSplitter>[1]): string[] {
  const out: string[] = [];
  const splitter = createLineSplitter((lines) => out.push(...lines), opts);
  let last = 0;
  for (const cut of [...new Set(cuts)].filter((c) => c > 0 && c < text.length).sort((a, b) => a - b)) {
    splitter.push(text.slice(last, cut));
    last = cut;
  }
  splitter.push(text.slice(last));
  splitter.end();
  return out;
}

describe('createLineSplitter', () => {
  it('ends lines at \\n, \\r\\n and \\r (tqdm redraws), drops empty ones, and keeps the unfinished last line for end()', () => {
    assert.deepEqual(feed('epoch 1\r\n10%|█\r50%|███\r\n\nlast', []), [
      'epoch 1',
      '10%|█',
      '50%|███',
      'last',
    ]);
  });

  it('gives the same lines however the stream is cut into chunks (property)', () => {
    const piece = fc.constantFrom('a', 'bc', ' ', '\n', '\r', '\r\n', 'é', '█');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.array(fc.nat(120), { maxLength: 8 }),
        (pieces, cuts) => {
          const text = pieces.join('');
          assert.deepEqual(feed(text, cuts), splitLines(text));
          assert.deepEqual(
            feed(text, cuts, { breakAtCarriageReturn: false }),
            text.split('\n').filter((l) => l.length > 0),
          );
        },
      ),
    );
  });

  it('keeps \\r inside a line when only \\n ends lines (timestamped streams split the text after)', () => {
    assert.deepEqual(feed('t1 10%\r50%\nt2 done\n', [5], { breakAtCarriageReturn: false }), [
      't1 10%\r50%',
      't2 done',
    ]);
  });

  it('cuts a runaway line at the one cap and drops the rest of it, however it arrives', () => {
    const long = 'x'.repeat(MAX_LINE_CHARS * 3);
    const lines = feed(`${long}\nnext\n`, [10, MAX_LINE_CHARS, MAX_LINE_CHARS * 2 + 5]);
    assert.deepEqual(lines, [`${'x'.repeat(MAX_LINE_CHARS - 1)}…`, 'next']);
    assert.equal(lines[0].length, MAX_LINE_CHARS);
    assert.deepEqual(feed('abcdefgh\nabc\n', [3, 6], { maxChars: 4 }), ['abc…', 'abc']);
    assert.deepEqual(feed('abcd\n', [2], { maxChars: 4 }), ['abcd'], 'a line exactly at the cap is whole');
  });
});

describe('splitLines and capLine', () => {
  it('split a whole text and cap each line', () => {
    assert.deepEqual(splitLines('a\r\nb\rc\n\n'), ['a', 'b', 'c']);
    assert.equal(capLine('abcdef', 4), 'abc…');
    assert.equal(capLine('abcd', 4), 'abcd');
  });
});
