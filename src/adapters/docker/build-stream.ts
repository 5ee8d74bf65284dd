import type Docker from 'dockerode';
import type { BuildProgress } from '../../ports/image-builder.ts';

/**
 * One JSON object of the engine's build or push stream. The engine answers HTTP 200 even
 * when the build fails; the failure is an `errorDetail` (or `error`) object in the stream.
 */
interface StreamEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: unknown;
}

const STEP = /^Step (\d+)\/(\d+)\s*:/;
const KEEP_LINES = 20;

/** Follows a build or push stream: the last lines for failure notices, and the first error. */
export class BuildStreamReader {
  private readonly lines: string[] = [];
  private step?: number;
  private totalSteps?: number;
  /** First error the engine reported in the stream. */
  error?: string;

  /** Reads one event; returns the progress to report for each new line it carried. */
  read(event: StreamEvent): BuildProgress[] {
    const failure = event.errorDetail?.message ?? event.error;
    if (failure !== undefined) {
      this.error ??= failure.trim();
      this.remember(failure.trim());
      return [this.progress(failure.trim())];
    }
    const text = event.stream ?? statusLine(event);
    if (!text) return [];
    const out: BuildProgress[] = [];
    for (const raw of text.split('\n')) {
      const line = raw.trimEnd();
      if (line === '') continue;
      const step = STEP.exec(line);
      if (step) {
        this.step = Number(step[1]);
        this.totalSteps = Number(step[2]);
      }
      this.remember(line);
      out.push(this.progress(line));
    }
    return out;
  }

  /** The last lines seen, oldest first. */
  lastLines(): string[] {
    return [...this.lines];
  }

  private progress(line: string): BuildProgress {
    return this.step === undefined ? { line } : { step: this.step, totalSteps: this.totalSteps, line };
  }

  private remember(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES) this.lines.shift();
  }
}

/**
 * Reads a build, push or pull stream to its end. The engine reports failures inside the stream,
 * not as HTTP errors, so the caller checks the reader's `error`; `report` gets each new line.
 */
export function readEngineStream(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  report: (p: BuildProgress) => void = () => {},
): Promise<BuildStreamReader> {
  const reader = new BuildStreamReader();
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve(reader)),
      (event: StreamEvent) => {
        for (const progress of reader.read(event)) report(progress);
      },
    );
  });
}

/** Push and pull events carry `status` (+ `id`); byte-progress ticks are left out. */
function statusLine(event: StreamEvent): string | undefined {
  if (!event.status || event.progress) return undefined;
  return event.id ? `${event.id}: ${event.status}` : event.status;
}
