import { createHash, type Hash } from 'node:crypto';
import { lstat, open, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { BuildSpec } from '../core/run/run.ts';
import { BuildError } from '../ports/image-builder.ts';
import { createIgnoreMatcher, parseDockerignore } from './dockerignore.ts';

export const DEFAULT_CONTEXT_LIMIT_BYTES = 500 * 1024 * 1024;

/** One file (or symlink) that goes into the build, relative to the context, `/`-separated. */
export interface ContextEntry {
  path: string;
  mode: number;
  size: number;
  /** Target of a symlink; symlinks are sent as links, like the Docker CLI does. */
  linkTarget?: string;
}

export interface BuildContext {
  /** Absolute context folder. */
  dir: string;
  /** Files and symlinks sent to the engine, sorted by path. */
  entries: ContextEntry[];
  totalBytes: number;
  /** Hex sha256 over the entries, the Dockerfile, build args and target. */
  hash: string;
}

/**
 * Lists the files of a build context that `.dockerignore` keeps. The Dockerfile and
 * `.dockerignore` are always kept, as the Docker CLI does, because the engine needs them.
 * Rejects with BuildError when the folder is missing or the files add up to more than the limit.
 */
export async function listContext(
  build: BuildSpec,
  limitBytes = DEFAULT_CONTEXT_LIMIT_BYTES,
): Promise<ContextEntry[]> {
  const dir = resolve(build.context);
  const info = await lstat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new BuildError(
      `The build context folder ${dir} does not exist; check the template's build.context.`,
    );
  }
  const dockerfile = dockerfilePath(build);
  const matcher = createIgnoreMatcher(
    parseDockerignore(await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => '')),
  );
  const alwaysKept = new Set([dockerfile, '.dockerignore']);
  const entries: ContextEntry[] = [];
  let totalBytes = 0;

  const walk = async (folder: string): Promise<void> => {
    const children = await readdir(folder, { withFileTypes: true });
    for (const child of children) {
      const abs = join(folder, child.name);
      const rel = relative(dir, abs).split(sep).join('/');
      const ignored = matcher.ignores(rel) && !alwaysKept.has(rel);
      if (child.isDirectory()) {
        // An ignored folder can only hold kept files when some `!` rule exists.
        if (!ignored || matcher.hasExceptions) await walk(abs);
        continue;
      }
      if (ignored || !(child.isFile() || child.isSymbolicLink())) continue;
      const stat = await lstat(abs);
      const entry: ContextEntry = { path: rel, mode: stat.mode & 0o7777, size: stat.size };
      if (child.isSymbolicLink()) entry.linkTarget = await readlink(abs);
      entries.push(entry);
      totalBytes += stat.size;
      if (totalBytes > limitBytes) throw tooLarge(dir, limitBytes);
    }
  };
  await walk(dir);
  if (!entries.some((e) => e.path === dockerfile)) {
    throw new BuildError(`The Dockerfile ${dockerfile} was not found in the build context ${dir}.`);
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function tooLarge(dir: string, limitBytes: number): BuildError {
  const MB = 1024 * 1024;
  const limit = limitBytes >= MB ? `${Math.round(limitBytes / MB)} MB` : `${limitBytes} bytes`;
  return new BuildError(
    `The build context ${dir} is larger than the ${limit} limit; leave big files out with .dockerignore or raise TRAINYARD_BUILD_CONTEXT_LIMIT_MB.`,
  );
}

/** The Dockerfile's path relative to the context, `/`-separated. */
export function dockerfilePath(build: BuildSpec): string {
  return (build.dockerfile || 'Dockerfile').replace(/\\/g, '/').replace(/^\.\//, '');
}

const CHUNK_BYTES = 1024 * 1024;
/** Files up to this size are read whole, several ahead of the hash, so disk and hash work at once. */
const READ_AHEAD_MAX_BYTES = 4 * 1024 * 1024;
const READ_AHEAD_FILES = 8;

/**
 * Reads the context and hashes it. Every file's path, mode, content and size go into one
 * sha256 in sorted order, followed by the Dockerfile path, build args (sorted) and target,
 * so the same inputs always give the same hash and any change gives a new one.
 */
export async function hashContext(
  build: BuildSpec,
  limitBytes = DEFAULT_CONTEXT_LIMIT_BYTES,
): Promise<BuildContext> {
  const dir = resolve(build.context);
  const entries = await listContext(build, limitBytes);
  const hash = createHash('sha256');
  const readAhead = new Map<number, Promise<Buffer>>();
  const startRead = (i: number) => {
    const entry = entries[i];
    if (!entry || entry.linkTarget !== undefined || entry.size > READ_AHEAD_MAX_BYTES || readAhead.has(i))
      return;
    const read = readFile(join(dir, entry.path));
    // Awaited in order below; until then a failure must not count as unhandled.
    read.catch(() => {});
    readAhead.set(i, read);
  };
  let totalBytes = 0;
  for (let i = 0; i < entries.length; i++) {
    for (let j = i; j < i + READ_AHEAD_FILES; j++) startRead(j);
    const entry = entries[i];
    hash.update(`${entry.path}\0${entry.mode.toString(8)}\0`);
    if (entry.linkTarget !== undefined) {
      hash.update(`link\0${entry.linkTarget}\0`);
      continue;
    }
    const whole = readAhead.get(i);
    readAhead.delete(i);
    let size: number;
    if (whole) {
      const content = await whole;
      hash.update(content);
      size = content.length;
    } else size = await hashLargeFile(hash, join(dir, entry.path));
    // The size ends each file's bytes, so moving bytes between neighbours changes the hash.
    hash.update(`\0${size}\0`);
    totalBytes += size;
  }
  hash.update(`\0dockerfile\0${dockerfilePath(build)}\0`);
  for (const name of Object.keys(build.buildArgs).sort())
    hash.update(`arg\0${name}\0${build.buildArgs[name]}\0`);
  hash.update(`target\0${build.target ?? ''}\0`);
  return { dir, entries, totalBytes, hash: hash.digest('hex') };
}

/** Streams a big file into the hash, reading the next chunk while hashing this one. */
async function hashLargeFile(hash: Hash, file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    let turn = 0;
    let total = 0;
    let pending = handle.read(buffers[turn], 0, CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) return total;
      turn ^= 1;
      pending = handle.read(buffers[turn], 0, CHUNK_BYTES, null);
      hash.update(buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The image reference for a template's content: `<registry>/<template>:<hash12>`, or
 * `trainyard/<template>:<hash12>` when no registry is configured.
 */
export function contentTag(template: string, hash: string, registry?: string): string {
  const repo = template
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const prefix = registry ? registry.replace(/\/+$/, '') : 'trainyard';
  return `${prefix}/${repo || 'template'}:${hash.slice(0, 12)}`;
}
