import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileLogArchive } from '../../../src/adapters/store/FileLogArchive.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainyard-logs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);

describe('FileLogArchive', () => {
  it('writes lines in order and reads them back', async () => {
    const logs = new FileLogArchive(dir);
    logs.append('r-aaaaaaaaaa', ['one', 'two']);
    logs.append('r-aaaaaaaaaa', ['three']);
    assert.deepEqual(await logs.tail('r-aaaaaaaaaa', 2), ['two', 'three']);
    await logs.finish('r-aaaaaaaaaa');
    assert.equal(await logs.read('r-aaaaaaaaaa'), 'one\ntwo\nthree\n');
    assert.deepEqual(await logs.tail('r-aaaaaaaaaa', 2), ['two', 'three']);
    assert.equal(await logs.read('r-missing000'), undefined);
    assert.deepEqual(await logs.tail('r-missing000', 5), []);
  });

  it('keeps only a bounded tail in memory, and reads further back from the file', async () => {
    const logs = new FileLogArchive(dir, { memoryLines: 10 });
    logs.append('r-bbbbbbbbbb', lines(0, 100));
    assert.deepEqual(await logs.tail('r-bbbbbbbbbb', 3), ['line 97', 'line 98', 'line 99']);
    const fifty = await logs.tail('r-bbbbbbbbbb', 50);
    assert.equal(fifty.length, 50);
    assert.equal(fifty[0], 'line 50');
    await logs.flush();
  });

  it('bounds the file: keeps the head and the latest lines, and says how many were left out', async () => {
    const maxBytes = 4000;
    const logs = new FileLogArchive(dir, { maxBytes, headBytes: 1000 });
    // ~10 bytes per line; 10,000 lines ≈ 100 KB, 25 times the bound, in many batches.
    for (let i = 0; i < 10_000; i += 100) logs.append('r-cccccccccc', lines(i, i + 100));
    await logs.finish('r-cccccccccc');
    const file = join(dir, 'logs', 'r-cccccccccc.log');
    assert.ok((await stat(file)).size <= maxBytes, 'file stays within maxBytes');

    const text = (await logs.read('r-cccccccccc'))!.trimEnd().split('\n');
    assert.equal(text[0], 'line 0', 'head kept');
    assert.equal(text.at(-1), 'line 9999', 'latest line kept');
    const markers = text.filter((l) => l.startsWith('[trainyard]'));
    assert.equal(markers.length, 1);
    const omitted = Number(/(\d+) lines left out/.exec(markers[0])![1]);
    // Every line is either kept or counted as left out.
    assert.equal(text.length - 1 + omitted, 10_000);
    // The kept lines are the head and an unbroken tail.
    const numbers = text.filter((l) => !l.startsWith('[')).map((l) => Number(l.slice(5)));
    const gap = numbers.findIndex((n, i) => i > 0 && n !== numbers[i - 1] + 1);
    assert.equal(numbers[gap] - numbers[gap - 1] - 1, omitted);
  });

  it('continues the same file after a restart', async () => {
    const first = new FileLogArchive(dir);
    first.append('r-dddddddddd', ['before restart']);
    await first.flush();
    const second = new FileLogArchive(dir);
    second.append('r-dddddddddd', ['after restart']);
    await second.finish('r-dddddddddd');
    assert.equal(await second.read('r-dddddddddd'), 'before restart\nafter restart\n');
  });

  it('continues counting left-out lines across a restart', async () => {
    const opts = { maxBytes: 4000, headBytes: 1000 };
    const first = new FileLogArchive(dir, opts);
    first.append('r-ffffffffff', lines(0, 1000));
    await first.flush();
    const second = new FileLogArchive(dir, opts);
    second.append('r-ffffffffff', lines(1000, 2000));
    await second.finish('r-ffffffffff');
    const text = (await second.read('r-ffffffffff'))!.trimEnd().split('\n');
    const omitted = Number(/(\d+) lines left out/.exec(text.find((l) => l.startsWith('[trainyard]'))!)![1]);
    assert.equal(text.length - 1 + omitted, 2000);
    assert.equal(text.at(-1), 'line 1999');
  });

  it('removes a pruned run’s log', async () => {
    const logs = new FileLogArchive(dir);
    logs.append('r-eeeeeeeeee', ['x'], 'cursor-1');
    await logs.flush();
    await logs.remove('r-eeeeeeeeee');
    assert.equal(existsSync(join(dir, 'logs', 'r-eeeeeeeeee.log')), false);
    assert.equal(existsSync(join(dir, 'logs', 'r-eeeeeeeeee.log.cursor')), false);
    assert.equal(await logs.read('r-eeeeeeeeee'), undefined);
  });

  it('keeps odd run ids inside the logs folder', async () => {
    const logs = new FileLogArchive(dir);
    logs.append('../../escape', ['x']);
    await logs.finish('../../escape');
    assert.equal(await logs.read('../../escape'), 'x\n');
    assert.equal(existsSync(join(dir, 'logs', '______escape.log')), true);
  });
});

describe('FileLogArchive: the runtime cursor is saved with the lines it came with', () => {
  const run = 'r-gggggggggg';
  const logFile = () => join(dir, 'logs', `${run}.log`);

  it('resumes at the cursor of the last lines written, keeping them all', async () => {
    const first = new FileLogArchive(dir);
    first.append(run, ['one', 'two'], 'c2');
    first.append(run, ['three'], 'c3');
    await first.flush();
    const second = new FileLogArchive(dir);
    assert.equal((await second.resume(run)).cursor, 'c3');
    second.append(run, ['four'], 'c4');
    await second.finish(run);
    assert.equal(await second.read(run), 'one\ntwo\nthree\nfour\n');
  });

  it('cuts lines written after the last saved cursor: a kill between the lines and their cursor', async () => {
    const first = new FileLogArchive(dir);
    first.append(run, ['one', 'two'], 'c2');
    await first.flush();
    // What a kill -9 leaves when it comes after the next lines reached the file, before their
    // cursor did: whole lines, and part of one.
    await appendFile(logFile(), 'three\nfou');
    const second = new FileLogArchive(dir);
    assert.equal((await second.resume(run)).cursor, 'c2');
    assert.equal(await second.read(run), 'one\ntwo\n');
    // The runtime resumes after c2 and sends them again: each is archived once.
    second.append(run, ['three', 'four'], 'c4');
    await second.finish(run);
    assert.equal(await second.read(run), 'one\ntwo\nthree\nfour\n');
  });

  it('keeps lines that came without a cursor after one (nothing would send them again)', async () => {
    const first = new FileLogArchive(dir);
    first.append(run, ['from the job'], 'c1');
    first.append(run, ['a note without a cursor']);
    await first.flush();
    const second = new FileLogArchive(dir);
    assert.equal((await second.resume(run)).cursor, 'c1');
    assert.equal(await second.read(run), 'from the job\na note without a cursor\n');
  });

  it('has nothing to resume for a log written without cursors, and leaves it as it is', async () => {
    const first = new FileLogArchive(dir);
    first.append(run, ['process output']);
    await first.flush();
    const second = new FileLogArchive(dir);
    assert.equal((await second.resume(run)).cursor, undefined);
    assert.equal((await second.resume('r-nolog00000')).cursor, undefined);
    assert.equal(await second.read(run), 'process output\n');
  });

  it('resumes right after a compaction, also when the kill came before its cursor was saved again', async () => {
    const opts = { maxBytes: 4000, headBytes: 1000 };
    const first = new FileLogArchive(dir, opts);
    for (let i = 0; i < 1000; i += 100) first.append(run, lines(i, i + 100), `c${i + 100}`);
    await first.flush();
    const compacted = await readFile(logFile(), 'utf8');
    assert.ok(compacted.includes('lines left out'), 'the file was compacted');
    // The cursor record as it was before the compaction: it counts more bytes than the file has.
    await writeFile(`${logFile()}.cursor`, JSON.stringify({ cursor: 'c1000', bytes: 20_000 }));
    const second = new FileLogArchive(dir, opts);
    assert.equal((await second.resume(run)).cursor, 'c1000');
    assert.equal(await second.read(run), compacted, 'nothing committed is cut');
    // Lines whose cursor a later kill lost are still cut back to the compacted file.
    await appendFile(logFile(), 'line 1000\n');
    const third = new FileLogArchive(dir, opts);
    assert.equal((await third.resume(run)).cursor, 'c1000');
    assert.equal(await third.read(run), compacted);
  });

  it('hands back the committed lines after the cursor the stored run stands at', async () => {
    const first = new FileLogArchive(dir);
    first.append(run, ['built without a cursor']);
    await first.flush();
    first.append(run, ['one', 'two'], 'c2');
    await first.flush();
    first.append(run, ['three'], 'c3');
    await first.flush();
    first.append(run, ['four'], 'c4');
    await first.flush();
    await appendFile(logFile(), 'five, its cursor never saved\n');
    const resumed = (applied?: string) => new FileLogArchive(dir).resume(run, applied);
    assert.deepEqual(await resumed('c2'), { cursor: 'c4', missed: ['three', 'four'] });
    assert.deepEqual(await resumed('c4'), { cursor: 'c4', missed: [] });
    // A run stored before any line with a cursor: every line since (not the earlier ones, taken in without one).
    assert.deepEqual(await resumed(undefined), { cursor: 'c4', missed: ['one', 'two', 'three', 'four'] });
    // A cursor the archive does not know: nothing can be told apart, nothing is handed back twice.
    assert.deepEqual(await resumed('c-unknown'), { cursor: 'c4', missed: [] });
  });

  it('remembers a bounded number of earlier cursors, and reads a record written without them', async () => {
    const first = new FileLogArchive(dir);
    for (let i = 1; i <= 100; i++) {
      first.append(run, [`line ${i}`], `c${i}`);
      await first.flush();
    }
    const record = JSON.parse(await readFile(`${logFile()}.cursor`, 'utf8'));
    assert.equal(record.earlier.length, 64);
    assert.equal(record.earlier[0].cursor, 'c36');
    assert.deepEqual((await new FileLogArchive(dir).resume(run, 'c98')).missed, ['line 99', 'line 100']);
    assert.deepEqual((await new FileLogArchive(dir).resume(run, 'c30')).missed, [], 'too far back to tell');
    await writeFile(`${logFile()}.cursor`, JSON.stringify({ cursor: record.cursor, bytes: record.bytes }));
    assert.deepEqual(await new FileLogArchive(dir).resume(run, 'c100'), { cursor: 'c100', missed: [] });
  });

  it('after a compaction knows only its newest cursor again', async () => {
    const opts = { maxBytes: 4000, headBytes: 1000 };
    const first = new FileLogArchive(dir, opts);
    for (let i = 0; i < 1000; i += 100) {
      first.append(run, lines(i, i + 100), `c${i + 100}`);
      await first.flush();
    }
    const { earlier } = JSON.parse(await readFile(`${logFile()}.cursor`, 'utf8')) as {
      earlier: { cursor: string }[];
    };
    // Cursors from before the last compaction point into a file that is gone.
    assert.ok(!earlier.some((point) => point.cursor === 'c100'));
    assert.deepEqual(await new FileLogArchive(dir, opts).resume(run, 'c100'), {
      cursor: 'c1000',
      missed: [],
    });
    for (const { cursor } of earlier) {
      const { missed } = await new FileLogArchive(dir, opts).resume(run, cursor);
      assert.deepEqual(missed, lines(Number(cursor.slice(1)), 1000), `after ${cursor}`);
    }
  });
});
