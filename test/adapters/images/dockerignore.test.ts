import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createIgnoreMatcher, parseDockerignore } from '../../../src/adapters/images/dockerignore.ts';

const ignores = (rules: string, path: string) => createIgnoreMatcher(parseDockerignore(rules)).ignores(path);

describe('parseDockerignore', () => {
  test('skips comments and blank lines, trims, cleans paths and strips a leading slash', () => {
    const rules = parseDockerignore('# comment\n\n  /data/  \n!./keep.txt\r\nlogs/../tmp\n');
    assert.deepEqual(
      rules.map((r) => [r.pattern, r.exception]),
      [
        ['data', false],
        ['keep.txt', true],
        ['tmp', false],
      ],
    );
  });

  test('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, path) => {
        createIgnoreMatcher(parseDockerignore(text)).ignores(path);
      }),
    );
  });
});

describe('Docker matching rules', () => {
  test('a pattern matches from the context root, not at any depth', () => {
    assert.equal(ignores('*.md', 'README.md'), true);
    assert.equal(ignores('*.md', 'docs/guide.md'), false);
    assert.equal(ignores('*/*.md', 'docs/guide.md'), true);
  });

  test('* and ? stop at folder separators', () => {
    assert.equal(ignores('data*', 'data/x'), true, 'the parent folder matches');
    assert.equal(ignores('d?ta', 'data'), true);
    assert.equal(ignores('d?ta', 'd/ta'), false);
  });

  test('** matches any number of folders, including none', () => {
    assert.equal(ignores('**/*.pyc', 'a.pyc'), true);
    assert.equal(ignores('**/*.pyc', 'src/pkg/deep/a.pyc'), true);
    assert.equal(ignores('src/**/test', 'src/test'), true);
    assert.equal(ignores('src/**/test', 'src/a/b/test/x.py'), true);
    assert.equal(ignores('src/**', 'src/a/b'), true);
    assert.equal(ignores('src/**', 'other/a'), false);
  });

  test('a matched folder takes everything inside it', () => {
    assert.equal(ignores('data', 'data/train/a.csv'), true);
    assert.equal(ignores('data', 'database.py'), false);
  });

  test('! re-includes, and the last matching line wins', () => {
    const rules = '*.md\n!README.md\n';
    assert.equal(ignores(rules, 'CHANGES.md'), true);
    assert.equal(ignores(rules, 'README.md'), false);
    assert.equal(ignores('!README.md\n*.md\n', 'README.md'), true);
    assert.equal(ignores('data\n!data/keep\n', 'data/keep/a.csv'), false);
    assert.equal(ignores('data\n!data/keep\n', 'data/drop/a.csv'), true);
  });

  test('character classes, escapes and regex characters are literal where Docker treats them so', () => {
    assert.equal(ignores('file[0-9].txt', 'file3.txt'), true);
    assert.equal(ignores('file[0-9].txt', 'filex.txt'), false);
    assert.equal(ignores('a+b(c).txt', 'a+b(c).txt'), true);
    assert.equal(ignores('a.txt', 'abtxt'), false);
    assert.equal(ignores('\\*.txt', '*.txt'), true);
    assert.equal(ignores('\\*.txt', 'x.txt'), false);
  });
});
