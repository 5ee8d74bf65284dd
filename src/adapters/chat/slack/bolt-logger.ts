import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../../shared/log.ts';

/**
 * Bolt and the Web API client log through this, so their lines are JSON like ours and pass
 * through the same secret scrubbing. Their chatter is debug unless it is a warning or error.
 */
export function boltLogger(log: Logger): SlackLogger {
  // Bolt sets and reads a level, but our Logger decides what is written; it is only remembered for getLevel.
  let current = LogLevel.WARN;
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: (...msg) => log.debug(text(msg), { source: 'bolt' }),
    info: (...msg) => log.debug(text(msg), { source: 'bolt' }),
    warn: (...msg) => log.warn(text(msg), { source: 'bolt' }),
    error: (...msg) => log.error(text(msg), { source: 'bolt' }),
    setLevel: (l) => {
      current = l;
    },
    getLevel: () => current,
    setName: () => {},
  };
}
