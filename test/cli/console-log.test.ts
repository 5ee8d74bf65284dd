import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createConsoleLog } from '../../src/cli/console-log.ts';

describe('the console log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trainyard-console-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every line to TRAINYARD_DATA/trainyard.log and shows warnings and errors as one safe line', () => {
    const notes: string[] = [];
    const { log, file, close } = createConsoleLog({
      dataDir: join(dir, 'data'),
      level: 'info',
      note: (t) => notes.push(t),
    });
    log.debug('not at this level');
    log.info('run launched', { run: 'r-1' });
    log.warn('the cluster cannot be reached', { reason: 'dial tcp \u001b[2J10.0.0.1:443\nrefused' });
    log.error('submit failed', { err: new Error('boom') });
    close();
    assert.equal(file, join(dir, 'data', 'trainyard.log'));
    const entries = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      entries.map((e) => [e.level, e.msg]),
      [
        ['info', 'run launched'],
        ['warn', 'the cluster cannot be reached'],
        ['error', 'submit failed'],
      ],
    );
    assert.deepEqual(notes, [
      `warning: the cluster cannot be reached (dial tcp 10.0.0.1:443 ↵ refused); see ${file}`,
      `error: submit failed (boom); see ${file}`,
    ]);
  });

  it('shows the same warning once a minute however often it is logged; the file gets each', () => {
    const notes: string[] = [];
    const { log, file, close } = createConsoleLog({
      dataDir: dir,
      level: 'warn',
      note: (t) => notes.push(t),
    });
    for (let i = 0; i < 5; i++) log.warn('reconnecting', { attempt: i });
    close();
    assert.equal(notes.length, 1);
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 5);
  });

  it('appends to the log, and starts a new one once it passed 10 MB, keeping the old as trainyard.log.1', () => {
    const file = join(dir, 'trainyard.log');
    writeFileSync(file, '{"old":true}\n');
    let opened = createConsoleLog({ dataDir: dir, level: 'info', note: () => {} });
    opened.log.info('second start');
    opened.close();
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 3);
    truncateSync(file, 10 * 1024 * 1024);
    opened = createConsoleLog({ dataDir: dir, level: 'info', note: () => {} });
    opened.log.info('after rotation');
    opened.close();
    assert.ok(existsSync(`${file}.1`));
    assert.match(readFileSync(file, 'utf8'), /^\{[^\n]*"after rotation"[^\n]*\}\n$/);
  });
  it('a warning written as a sentence does not end in ".;" before the pointer to the file', () => {
    const notes: string[] = [];
    const { log, file, close } = createConsoleLog({
      dataDir: dir,
      level: 'info',
      note: (t) => notes.push(t),
    });
    log.warn('The template folder /x holds no templates, so none can be launched.');
    close();
    assert.deepEqual(notes, [
      `warning: The template folder /x holds no templates, so none can be launched; see ${file}`,
    ]);
  });

  it('a data folder it cannot make is one sentence naming it, as the store says it', () => {
    const notAFolder = join(dir, 'a-file');
    writeFileSync(notAFolder, '');
    assert.throws(
      () => createConsoleLog({ dataDir: notAFolder, level: 'info', note: () => {} }),
      (err: Error) => {
        assert.equal(err.name, 'ConfigError');
        assert.match(
          err.message,
          new RegExp(
            `^Cannot create the data folder ${notAFolder} \\(EEXIST[^)]*\\); set TRAINYARD_DATA to a writable folder\\.$`,
          ),
        );
        return true;
      },
    );
  });
});
