import { createHash, type Hash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BuildSpec } from '../../core/run/run.ts';
import { BuildError } from '../../ports/image-builder.ts';
import { createIgnoreMatcher, parseDockerignore } from './dockerignore.ts';

export const DEFAULT_CONTEXT_LIMIT_BYTES = 500 * 1024 * 1024;

/*
 * Why synchronous file calls: a context is thousands of small files, and every async fs call
 * waits for a thread-pool hop, which on a busy machine costs more than reading the (usually
 * page-cached) file. Sync reads run at memory speed; to keep the bot responsive the work
 * gives the event loop a turn every SLICE_MS.
 */
const SLICE_MS = 20;

/** Returns a function that yields to the event loop once the current slice has run long enough. */
function timeSlicer(): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await nextTurn();
    sliceStart = performance.now();
  };
}

function tryLstat(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function readTextOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

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
  if (!tryLstat(dir)?.isDirectory()) {
    throw new BuildError(
      `The build context folder ${dir} does not exist; check the template's build.context.`,
    );
  }
  const dockerfile = dockerfilePath(build);
  const matcher = createIgnoreMatcher(parseDockerignore(readTextOrEmpty(join(dir, '.dockerignore'))));
  const slice = timeSlicer();
  const alwaysKept = new Set([dockerfile, '.dockerignore']);
  const entries: ContextEntry[] = [];
  let totalBytes = 0;

  /** `prefix` is the folder's path relative to the context, `/`-separated ('' at the root). */
  const walk = async (folder: string, prefix: string): Promise<void> => {
    const children = readdirSync(folder, { withFileTypes: true });
    for (const child of children) {
      await slice();
      const abs = join(folder, child.name);
      const rel = prefix ? `${prefix}/${child.name}` : child.name;
      const ignored = matcher.ignores(rel) && !alwaysKept.has(rel);
      if (child.isDirectory()) {
        // An ignored folder can only hold kept files when some `!` rule exists.
        if (!ignored || matcher.hasExceptions) await walk(abs, rel);
        continue;
      }
      if (ignored || !(child.isFile() || child.isSymbolicLink())) continue;
      const stat = lstatSync(abs);
      const entry: ContextEntry = { path: rel, mode: stat.mode & 0o7777, size: stat.size };
      if (child.isSymbolicLink()) entry.linkTarget = readlinkSync(abs);
      entries.push(entry);
      totalBytes += stat.size;
      if (totalBytes > limitBytes) throw tooLarge(dir, limitBytes);
    }
  };
  await walk(dir, '');
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
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const slice = timeSlicer();
  let totalBytes = 0;
  for (const entry of entries) {
    hash.update(`${entry.path}\0${entry.mode.toString(8)}\0`);
    if (entry.linkTarget !== undefined) {
      hash.update(`link\0${entry.linkTarget}\0`);
      continue;
    }
    const size = await hashFile(hash, join(dir, entry.path), buffer, slice);
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

/** Streams one file into the hash through a reused buffer; returns the bytes read. */
async function hashFile(
  hash: Hash,
  file: string,
  buffer: Buffer,
  slice: () => Promise<void>,
): Promise<number> {
  const fd = openSync(file, 'r');
  try {
    let total = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) return total;
      hash.update(buffer.subarray(0, bytesRead));
      total += bytesRead;
      await slice();
    }
  } finally {
    closeSync(fd);
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
