import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import { Backoff, type BackoffPolicy, wakeableSleep } from '../../../shared/backoff.ts';
import { createLineSplitter, type LineSplitter, splitLines } from '../../../shared/line-splitter.ts';
import type { Logger } from '../../../shared/log.ts';
import {
  decodeLogCursor,
  encodeLogCursor,
  type LogPosition,
  resumeEpochSeconds,
  TimestampedLog,
} from '../../../shared/log-cursor.ts';
import { engineMessage, engineStatus } from '../../docker/docker-engine.ts';
import type { Destroyable } from './ContainerEvents.ts';
import { FrameDemuxer } from './log-frames.ts';

export interface ContainerLogsOptions {
  docker: Docker;
  containerId: string;
  log: Logger;
  /** Where an earlier reader (before a restart) stopped: the log resumes after it. */
  from?: LogPosition;
  /** New lines, in order, each delivered once, with the cursor just after the last of them. */
  onLines: (lines: string[], cursor: string | undefined) => void;
  backoff?: BackoffPolicy;
}

/** The name a container's log goes by in its cursor: the short id its placement shows. */
const streamName = (containerId: string) => containerId.slice(0, 12);

/** The position a stored `run.logCursor` gives for this container; undefined for another stream's. */
export function resumePosition(stored: string | undefined, containerId: string): LogPosition | undefined {
  const cursor = decodeLogCursor(stored);
  if (!cursor) return undefined;
  if (cursor.stream !== undefined && cursor.stream !== streamName(containerId)) return undefined;
  return cursor.position;
}

/**
 * Follows one container's stdout and stderr, line by line, until the container has ended. Each
 * line carries the engine's timestamp; a stream that breaks while the container runs is opened
 * again from the position reached (from its whole second, dropping what was delivered), and so is
 * the log of a container followed again after a restart of the bot.
 */
export class ContainerLogs {
  /** Resolves once the log has been read to the end of the container, or stop() was called. */
  readonly done: Promise<void>;
  private readonly log: TimestampedLog;
  private stopped = false;
  private current?: Destroyable;
  private wake?: () => void;
  /** When the log last made progress (ms since the epoch): opened, or a line came (see log-drain.ts). */
  progressAt: number | undefined;

  constructor(private readonly opts: ContainerLogsOptions) {
    this.log = new TimestampedLog(opts.from);
    this.done = this.run();
  }

  stop(): void {
    this.stopped = true;
    this.current?.destroy?.();
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { docker, containerId } = this.opts;
    const container = docker.getContainer(containerId);
    const backoff = new Backoff(this.opts.backoff ?? { baseMs: 200, maxMs: 5000 });
    while (!this.stopped) {
      try {
        const position = this.log.position;
        const reply = await container.logs({
          follow: true,
          stdout: true,
          stderr: true,
          timestamps: true,
          since: position ? resumeEpochSeconds(position) : 0,
        });
        this.log.reopen();
        this.progressAt = Date.now();
        await this.consume(reply as unknown as Destroyable);
        if (this.stopped) return;
        // A follow ends when the container stops, or when the connection to the engine broke.
        const { State } = await container.inspect();
        if (!State.Running && State.Status !== 'created') return;
        backoff.reset();
      } catch (err) {
        if (this.stopped || engineStatus(err) === 404) return;
        this.opts.log.warn('could not follow container logs; will resume', {
          container: streamName(containerId),
          error: engineMessage(err),
        });
      }
      await this.sleep(backoff.next());
    }
  }

  /** Reads one follow to its end (or break); a line cut off by a break is sent again, whole, on resuming. */
  private consume(stream: Destroyable): Promise<void> {
    this.current = stream;
    if (this.stopped) stream.destroy?.();
    const deliver = (stamped: string[]) => this.deliver(stamped);
    const streams: Record<'stdout' | 'stderr', { decoder: StringDecoder; lines: LineSplitter }> = {
      stdout: {
        decoder: new StringDecoder('utf8'),
        lines: createLineSplitter(deliver, { breakAtCarriageReturn: false }),
      },
      stderr: {
        decoder: new StringDecoder('utf8'),
        lines: createLineSplitter(deliver, { breakAtCarriageReturn: false }),
      },
    };
    const demuxer = new FrameDemuxer((name, payload) => {
      streams[name].lines.push(streams[name].decoder.write(payload));
    });
    return new Promise((resolve) => {
      stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
      stream.once('end', () => {
        for (const s of Object.values(streams)) {
          s.lines.push(s.decoder.end());
          s.lines.end();
        }
        resolve();
      });
      stream.once('error', () => resolve());
      stream.once('close', () => resolve());
    });
  }

  private deliver(stamped: string[]): void {
    if (stamped.length) this.progressAt = Date.now();
    const lines: string[] = [];
    for (const line of stamped) {
      const text = this.log.take(line);
      if (text !== undefined) lines.push(...splitLines(text));
    }
    const position = this.log.position;
    if (lines.length && !this.stopped) {
      this.opts.onLines(lines, position && encodeLogCursor(streamName(this.opts.containerId), position));
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const sleep = wakeableSleep(ms);
    this.wake = sleep.wake;
    return sleep.done;
  }
}
