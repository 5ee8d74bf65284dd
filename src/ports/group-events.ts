import type { GroupCard } from '../core/group-card.ts';
import type { MessageRef } from '../core/run/run.ts';
import type { Unsubscribe } from './run-events.ts';

/** A group of runs (a sweep) that has ended, told once its fan-in notice went out. */
export interface GroupEnded {
  /** The group as it ended: for a sweep, every trial with its params and metric value. */
  card: GroupCard;
  channel: string;
  /** The group's card, in whose thread the notice went: where a chart of it belongs. */
  thread?: MessageRef;
}

/**
 * The end of groups of runs, for services that add to their fan-in (the sweep chart). Listeners
 * are called synchronously, once per group per process, after the notice was delivered; one that
 * throws is logged and never affects the group. Implementation: SweepService.
 */
export interface GroupEvents {
  onGroupEnded(listener: (ended: GroupEnded) => void): Unsubscribe;
}
