import { spawn } from 'node:child_process';
import { redactCredentials, redactGitUrl } from '../core/code/git-url.ts';

/**
 * Code from git for the process and docker runtimes: `git clone` on the bot's machine into the
 * run's own folder, then the ref checked out and the commit read. git is spawned without a shell
 * (the URL and ref are arguments, never shell text) and never prompts: a repository that needs
 * credentials the URL does not carry fails at once instead of waiting for a password.
 */

export interface CloneRequest {
  /** Clone URL as the template wrote it (it may carry credentials). */
  url: string;
  /** Branch, tag or commit; the repository's default branch when absent. */
  ref?: string;
  /** Where the clone goes: an empty or missing folder. */
  dir: string;
  /** The clone is given up after this long (default 10 minutes). */
  timeoutMs?: number;
}

/** A clone that failed, in one sentence with git's own words, every URL in it redacted. */
export class CloneError extends Error {
  override name = 'CloneError';
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** The last lines of git's output that a failure quotes. */
const QUOTED_LINES = 3;

/** Clones `url` at `ref` into `dir` and answers the full commit SHA it checked out. */
export async function cloneCode(req: CloneRequest): Promise<string> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const shown = redactGitUrl(req.url);
  const at = req.ref ? ` at ${req.ref}` : '';
  // `--` ends the options: the URL and folder are never read as options, whatever they hold.
  const run = (args: string[], what: string) => git(args, { timeoutMs, what, url: req.url, shown });
  await run(['clone', '--quiet', '--no-checkout', '--', req.url, req.dir], `Cloning ${shown}`);
  // `HEAD` after a clone without checkout is the default branch; `--` makes the ref a revision.
  const checkout = ['-C', req.dir, 'checkout', '--quiet', req.ref ?? 'HEAD', '--'];
  await run(checkout, `Checking out ${req.ref ? `${req.ref} of` : 'the default branch of'} ${shown}`);
  const commit = (await run(['-C', req.dir, 'rev-parse', 'HEAD'], `Reading the commit of ${shown}`)).trim();
  if (!/^[0-9a-f]{40,64}$/.test(commit))
    throw new CloneError(`git gave no commit SHA for ${shown}${at}; check the repository.`);
  return commit;
}

interface GitCall {
  timeoutMs: number;
  /** What the call does, to begin the sentence of a failure. */
  what: string;
  /** The URL as written, replaced by `shown` wherever git quotes it. */
  url: string;
  shown: string;
}

/** Runs git and resolves with its stdout, or rejects with a CloneError saying what failed. */
function git(args: string[], call: GitCall): Promise<string> {
  const { timeoutMs, what } = call;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/',
        // No terminal prompt and no askpass helper: a missing credential is an error, not a hang.
        GIT_TERMINAL_PROMPT: '0',
        GIT_ASKPASS: 'true',
        SSH_ASKPASS: 'true',
        GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
      },
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      // Enough to quote the end of it; git's progress is off (--quiet).
      err = (err + c).slice(-4000);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        new CloneError(
          e.code === 'ENOENT'
            ? `${what} needs git, which is not installed on the machine running Trainyard; install git.`
            : `${what} failed: git could not be started (${e.code ?? e.message}).`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(out);
        return;
      }
      if (signal) {
        reject(
          new CloneError(`${what} took longer than ${Math.round(timeoutMs / 1000)} s and was given up.`),
        );
        return;
      }
      const said = redactCredentials(err.split(call.url).join(call.shown))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(-QUOTED_LINES)
        .join(' ');
      const because = said ? `: ${said}` : ` (git exited with code ${code})`;
      reject(new CloneError(`${what} failed${because}`.replace(/([^.!?])$/, '$1.')));
    });
  });
}
