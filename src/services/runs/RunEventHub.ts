import type { Run } from '../../core/run/run.ts';
import type { RunEvents, Unsubscribe } from '../../ports/run-events.ts';
import { Listeners } from '../../shared/listeners.ts';
import type { Logger } from '../../shared/log.ts';

type Listener = (run: Run) => void;

/** The run service's side of RunEvents: it tells, the listeners hear. */
export class RunEventHub implements RunEvents {
  private readonly changed = new Listeners<Run>();
  private readonly ended = new Listeners<Run>();

  constructor(private readonly log: Logger) {}

  onRunChanged(listener: Listener): Unsubscribe {
    return this.changed.add(listener);
  }

  onRunEnded(listener: Listener): Unsubscribe {
    return this.ended.add(listener);
  }

  runChanged(run: Run): void {
    this.tell(this.changed, run, 'changed');
  }

  runEnded(run: Run): void {
    this.tell(this.ended, run, 'ended');
  }

  private tell(listeners: Listeners<Run>, run: Run, event: string): void {
    // A listener's bug must never stop the run or the listeners after it.
    listeners.tell(run, (err) => this.log.error('a run event listener failed', { event, run: run.id, err }));
  }
}
