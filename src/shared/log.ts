import { createRedactor, type Redactor, secretsInEnv } from './redact.ts';

/** Structured JSON logs on stderr. Secrets are masked before anything is written (see redact.ts). */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/**
 * A logger writing one JSON object per line. An Error anywhere in the fields (e.g. `{ err }`) is
 * written with its name, message, stack, own fields and cause chain. `secrets` are masked wherever
 * they appear; by default the values of this process's environment variables named like secrets.
 */
export function createLogger(
  level: Level = 'info',
  base: Record<string, unknown> = {},
  write: (line: string, level: Level) => void = (l) => process.stderr.write(l + '\n'),
  secrets: readonly string[] = secretsInEnv(process.env),
): Logger {
  return makeLogger(ORDER[level], base, write, createRedactor(secrets));
}

function makeLogger(
  min: number,
  base: Record<string, unknown>,
  write: (line: string, level: Level) => void,
  redact: Redactor,
): Logger {
  const emit = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    write(
      JSON.stringify(redact({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields })),
      lvl,
    );
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => makeLogger(min, { ...base, ...fields }, write, redact),
  };
}

/** For tests and for commands whose stderr belongs to the user. */
export const silentLogger: Logger = createLogger('error', {}, () => {});
