import { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/env.ts';
import { createLogger, type Level, type Logger } from '../shared/log.ts';
import { terminalText } from '../views/text/terminal.ts';

/** The log file starts again (the old one kept as trainyard.log.1) once it is this big. */
const ROTATE_AT_BYTES = 10 * 1024 * 1024;
/** The same warning is shown on the screen at most this often (the file gets every one). */
const SAME_NOTE_EVERY_MS = 60_000;

export interface ConsoleLog {
  log: Logger;
  /** Where the lines go. */
  file: string;
  close(): void;
}

/**
 * The console chat's logger. The terminal belongs to the chat (JSON lines would break its live
 * redraw), so every line goes to TRAINYARD_DATA/trainyard.log; warnings and errors are also shown
 * as one dim line through the screen, which knows how to print above its live cards.
 */
export function createConsoleLog(opts: {
  dataDir: string;
  level: Level;
  note: (text: string) => void;
}): ConsoleLog {
  const file = join(opts.dataDir, 'trainyard.log');
  let fd: number | undefined = openLogFile(opts.dataDir, file);
  const lastShown = new Map<string, number>();
  const show = (line: string, level: Level) => {
    if (level !== 'warn' && level !== 'error') return;
    const entry = JSON.parse(line) as { msg?: string; reason?: unknown; err?: { message?: unknown } };
    const msg = String(entry.msg ?? '');
    const now = Date.now();
    if (now - (lastShown.get(msg) ?? Number.NEGATIVE_INFINITY) < SAME_NOTE_EVERY_MS) return;
    lastShown.set(msg, now);
    const why = entry.reason ?? entry.err?.message;
    // Log fields may quote a cluster or an engine: one safe line, never escape sequences.
    const said = terminalText(`${msg}${why ? ` (${String(why)})` : ''}`, 300);
    // Most warnings are sentences: their full stop would read `.; see`.
    opts.note(
      `${level === 'error' ? 'error' : 'warning'}: ${said.replace(/\.$/, '')}; see ${terminalText(file)}`,
    );
  };
  const log = createLogger(opts.level, {}, (line, level) => {
    if (fd !== undefined) writeSync(fd, `${line}\n`);
    show(line, level);
  });
  return {
    log,
    file,
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** The log file, opened for appending; a data folder it cannot make is said as the store says it. */
function openLogFile(dataDir: string, file: string): number {
  try {
    mkdirSync(dataDir, { recursive: true });
    rotateIfLarge(file);
    return openSync(file, 'a');
  } catch (error) {
    throw new ConfigError(
      `Cannot create the data folder ${dataDir} (${(error as Error).message}); set TRAINYARD_DATA to a writable folder.`,
    );
  }
}

function rotateIfLarge(file: string): void {
  try {
    if (statSync(file).size >= ROTATE_AT_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // No file yet: nothing to rotate.
  }
}
