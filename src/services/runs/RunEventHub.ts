import type { Run } from '../../core/run/run.ts';
import type { RunEvents, Unsubscribe } from '../../ports/run-events.ts';
import type { Logger } from '../../shared/log.ts';

type Listener = (run: Run) => void;

/** The run service's side of RunEvents: it tells, the listeners hear. */
export class RunEventHub implements RunEvents {
  private readonly changed = new Set<Listener>();
  private readonly ended = new Set<Listener>();

  constructor(private readonly log: Logger) {}

  onRunChanged(listener: Listener): Unsubscribe {
    return subscribe(this.changed, listener);
  }

  onRunEnded(listener: Listener): Unsubscribe {
    return subscribe(this.ended, listener);
  }

  runChanged(run: Run): void {
    this.tell(this.changed, run, 'changed');
  }

  runEnded(run: Run): void {
    this.tell(this.ended, run, 'ended');
  }

  private tell(listeners: Set<Listener>, run: Run, event: string): void {
    for (const listener of [...listeners]) {
      try {
        listener(run);
      } catch (err) {
        // A listener's bug must never stop the run or the listeners after it.
        this.log.error('a run event listener failed', { event, run: run.id, err });
      }
    }
  }
}

function subscribe(listeners: Set<Listener>, listener: Listener): Unsubscribe {
  // Each subscription is its own entry, so subscribing one function twice needs two unsubscribes.
  const entry: Listener = (run) => listener(run);
  listeners.add(entry);
  return () => listeners.delete(entry);
}
