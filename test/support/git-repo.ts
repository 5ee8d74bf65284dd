/** A local git repository to clone from (file:// URLs), made with the git on this machine. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitRepo {
  /** The bare repository's folder; clone it as `file://<dir>`. */
  dir: string;
  url: string;
  /** Commit SHAs by name: `first` on main, `feature` on branch feature (tagged v1). */
  commits: Record<'first' | 'feature', string>;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();

/**
 * A bare repository with `main` (one commit holding `script.mjs` that prints `main`) and
 * `feature` (a second commit where it prints `feature`), the feature commit tagged `v1`.
 */
export function makeGitRepo(): GitRepo {
  const root = mkdtempSync(join(tmpdir(), 'trainyard-git-'));
  const dir = join(root, 'repo.git');
  const work = join(root, 'work');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', dir);
  git(root, 'clone', '--quiet', dir, work);
  git(work, 'checkout', '--quiet', '-B', 'main');
  writeFileSync(join(work, 'script.mjs'), "console.log('code from main');\n");
  git(work, 'add', 'script.mjs');
  git(work, 'commit', '--quiet', '-m', 'first');
  const first = git(work, 'rev-parse', 'HEAD');
  git(work, 'checkout', '--quiet', '-b', 'feature');
  writeFileSync(join(work, 'script.mjs'), "console.log('code from feature');\n");
  git(work, 'commit', '--quiet', '-am', 'feature');
  git(work, 'tag', 'v1');
  const feature = git(work, 'rev-parse', 'HEAD');
  git(work, 'push', '--quiet', 'origin', 'main', 'feature', 'v1');
  return { dir, url: `file://${dir}`, commits: { first, feature } };
}
