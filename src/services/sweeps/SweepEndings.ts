import type { Sweep } from '../../core/sweep/sweep.ts';
import type { GroupEnded } from '../../ports/group-events.ts';
import type { Unsubscribe } from '../../ports/run-events.ts';
import { KeyedWaiters } from '../../shared/keyed-waiters.ts';
import { Listeners } from '../../shared/listeners.ts';
import type { Logger } from '../../shared/log.ts';

/**
 * Who waits for sweeps to end: the group-ended listeners (the hook for the fan-in's chart) and
 * callers of whenEnded (`console -e`). Each is told once per sweep, when its notice is recorded.
 */
export class SweepEndings {
  private readonly listeners = new Listeners<GroupEnded>();
  private readonly waiters = new KeyedWaiters<Sweep>();

  constructor(private readonly log: Logger) {}

  onGroupEnded(listener: (ended: GroupEnded) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  /** Resolves when `told` is called for the sweep. */
  wait(sweepId: string): Promise<Sweep> {
    return this.waiters.wait(sweepId);
  }

  /** The sweep has ended and its notice is recorded. */
  told(done: Sweep): void {
    const ended: GroupEnded = { card: { kind: 'sweep', sweep: done }, channel: done.channel };
    if (done.card) ended.thread = done.card;
    // A listener's bug (a chart that cannot be drawn) never touches the sweep.
    this.listeners.tell(ended, (err) =>
      this.log.error('a group-ended listener failed', { sweep: done.id, err }),
    );
    this.waiters.tell(done.id, done);
  }
}
