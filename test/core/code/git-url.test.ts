import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { gitUrlProblem, redactCredentials, redactGitUrl } from '../../../src/core/code/git-url.ts';

describe('gitUrlProblem', () => {
  it('accepts https, ssh, git and file URLs, host:path addresses and absolute paths', () => {
    for (const url of [
      'https://github.com/acme/models.git',
      'http://git.internal:8080/ml/repo',
      'ssh://git@github.com/acme/models.git',
      'git://example.org/repo.git',
      'file:///srv/git/repo.git',
      'git@github.com:acme/models.git',
      'github.com:acme/models.git',
      '/srv/git/repo',
      'https://x-access-token:ghp_secret@github.com/acme/models.git',
    ]) {
      assert.equal(gitUrlProblem(url), undefined, url);
    }
  });

  const cases: Array<[string, RegExp]> = [
    ['', /is empty/],
    ['-uhttps://x', /starts with "-"/],
    ['--upload-pack=touch /tmp/x', /starts with "-"/],
    ['https://github.com/a b', /space/],
    ['ext::sh -c touch% /tmp/pwned', /space/],
    ['ext::sh', /transport helper/],
    ['fd::3', /transport helper/],
    ['ftp://example.org/repo', /uses ftp:\/\/; use one of https:\/\//],
    ['https://', /well-formed|names no host/],
    ['repo.git', /neither a URL/],
    ['../relative/repo', /neither a URL/],
    [`https://e.org/${'x'.repeat(2000)}`, /longer than/],
  ];
  for (const [url, problem] of cases) {
    it(`refuses ${JSON.stringify(url.slice(0, 30))}`, () => {
      assert.match(gitUrlProblem(url) ?? 'accepted', problem);
    });
  }
});

describe('redactGitUrl', () => {
  const cases: Array<[string, string]> = [
    ['https://github.com/acme/models.git', 'https://github.com/acme/models.git'],
    ['https://user:hunter2@github.com/acme/m.git', 'https://***@github.com/acme/m.git'],
    ['https://ghp_tokenonly@github.com/acme/m.git', 'https://***@github.com/acme/m.git'],
    [
      'https://gitlab.com/a/b.git?private_token=abc&x=1',
      'https://gitlab.com/a/b.git?private_token=***&x=***',
    ],
    ['https://e.org/r.git#token=abc', 'https://e.org/r.git'],
    ['ssh://git@github.com/acme/m.git', 'ssh://git@github.com/acme/m.git'],
    ['ssh://git:pw@github.com/acme/m.git', 'ssh://***@github.com/acme/m.git'],
    ['git@github.com:acme/m.git', 'git@github.com:acme/m.git'],
    ['user:pw@host.example:acme/m.git', '***@host.example:acme/m.git'],
    ['/srv/git/repo', '/srv/git/repo'],
    ['HTTPS://U:P@Host/x', 'HTTPS://***@Host/x'],
    // An unencoded slash in the password still leaves nothing of it.
    ['https://u:pa/ss@host/x.git', 'https://***@host/x.git'],
  ];
  for (const [url, shown] of cases) {
    it(`shows ${url} as ${shown}`, () => assert.equal(redactGitUrl(url), shown));
  }

  it('never lets a password through, whatever surrounds it', () => {
    const secret = 'S3cr3tT0k3n';
    const part = fc.stringMatching(/^[a-z0-9.-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('https://', 'http://', 'ssh://', 'git://', 'HTTP://', ''),
        part,
        part,
        fc.constantFrom('', '/', '/x'),
        fc.constantFrom('', '?a=1', `?t=${secret}`, '#f'),
        (scheme, user, host, inPassword, query) => {
          const url = `${scheme}${user}:${secret}${inPassword}@${host}/${host}.git${query}`;
          assert.ok(!redactGitUrl(url).includes(secret), `${url} → ${redactGitUrl(url)}`);
        },
      ),
    );
  });
});

describe('redactCredentials', () => {
  it('redacts every URL inside free text and leaves the rest', () => {
    assert.equal(
      redactCredentials(
        "fatal: unable to access 'https://bob:pw@github.com/a/b.git/': 403; also see http://x.org/?k=v",
      ),
      "fatal: unable to access 'https://***@github.com/a/b.git/': 403; also see http://x.org/?k=***",
    );
  });
});
