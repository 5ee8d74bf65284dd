import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitRefProblem, MAX_GIT_REF_LENGTH } from '../../../src/core/code/git-ref.ts';

describe('gitRefProblem', () => {
  it('accepts branches, tags, commits and nested names', () => {
    for (const ref of [
      'main',
      'v1.2.3',
      'feature/new-loss',
      '3f2a9c1',
      'a'.repeat(40),
      'release-2026_01',
      'HEAD',
    ])
      assert.equal(gitRefProblem(ref), undefined, ref);
  });

  const cases: Array<[string, RegExp]> = [
    ['', /is empty/],
    ['-x', /starts with "-"/],
    ['--upload-pack=evil', /starts with "-"/],
    ['a b', /space/],
    ['a\tb', /space/],
    ['a\u0001b', /control character/],
    ['a..b', /contains "\.\."/],
    ['a~1', /contains "~"/],
    ['a^', /contains "\^"/],
    ['a:b', /contains ":"/],
    ['a?', /contains "\?"/],
    ['a*', /contains "\*"/],
    ['a[b', /contains "\["/],
    ['a\\b', /contains "\\"/],
    ['a@{1}', /contains "@\{"/],
    ['@', /just "@"/],
    ['/main', /empty part/],
    ['main/', /empty part/],
    ['a//b', /empty part/],
    ['main.', /ends with "\."/],
    ['.hidden', /starts with "\."/],
    ['a/.b', /starts with "\."/],
    ['a.lock', /ends with "\.lock"/],
    ['a.lock/b', /ends with "\.lock"/],
    ['x'.repeat(MAX_GIT_REF_LENGTH + 1), /longer than/],
  ];
  for (const [ref, problem] of cases) {
    it(`refuses ${JSON.stringify(ref.slice(0, 20))}`, () => {
      assert.match(gitRefProblem(ref) ?? 'accepted', problem);
    });
  }
});
