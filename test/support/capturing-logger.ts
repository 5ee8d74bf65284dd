import { createLogger, type Level, type Logger } from '../../src/shared/log.ts';

/** One log line as written: the JSON object, with the fields every line has. */
export interface LogEntry {
  level: Level;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLog {
  log: Logger;
  /** Every line as written (JSON text), in order. */
  lines: string[];
  /** The same lines, parsed. */
  entries(): LogEntry[];
}

/**
 * THE logger of the tests that look at what was logged: the real logger (redaction, error
 * serialisation) writing into memory. `secrets` are masked as in production (default: the
 * secrets found in this process's environment, as the real logger does).
 */
export function capturingLogger(level: Level = 'debug', secrets?: readonly string[]): CapturedLog {
  const lines: string[] = [];
  const log = createLogger(level, {}, (line) => lines.push(line), secrets);
  return { log, lines, entries: () => lines.map((line) => JSON.parse(line) as LogEntry) };
}
