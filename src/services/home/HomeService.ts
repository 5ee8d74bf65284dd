import type { Reply } from '../../core/reply.ts';
import { isEnded, type Run, type RunState } from '../../core/run/run.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { HomeContent } from '../../ports/home.ts';
import type { Policy } from '../../ports/policy.ts';
import type { RunEvents, Unsubscribe } from '../../ports/run-events.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { launchableTemplates } from '../forms/launchable.ts';
import { FireTimer, type Timer } from '../scheduler/FireTimer.ts';
import { nextFireOf } from '../scheduler/schedule-lookup.ts';

export interface HomeServiceDeps {
  store: Pick<Store, 'listRuns' | 'loadRuns' | 'listSchedules'>;
  templates: () => Promise<TemplateCatalog>;
  policy: Pick<Policy, 'mayLaunch'>;
  chat: Pick<ChatPort, 'publishHome'>;
  events: Pick<RunEvents, 'onRunChanged'>;
  log: Logger;
  now?: () => Date;
  createTimer?: (onDue: () => void, now: () => Date) => Timer;
  /** Least time between two refreshes of one person's tab. Default 10 s. */
  refreshMs?: number;
  /** How long after someone last opened their tab their runs keep refreshing it. Default 1 hour. */
  watchMs?: number;
  /** Most people whose tabs are kept fresh at once; the longest unopened is let go first. Default 500. */
  maxViewers?: number;
}

/** How many finished runs the tab lists. */
export const RECENT_RESULTS = 10;
/** How long the answer to a press stays on top of the tab, through the refreshes that follow it. */
const NOTE_MS = 60_000;

interface Viewer {
  openedAt: number;
  /** When their tab was last published (or a publish began). */
  publishedAt: number;
  /** A refresh waiting for its turn: it will show every change up to then. */
  pending?: Timer;
  /** The answer to their last press, kept on top until `until` (a refresh must not wipe it out). */
  note?: { note: NonNullable<HomeContent['note']>; until: number };
}

/**
 * Everyone's Home tab (Slack's App Home). Opening it publishes it at once, and so does a press in
 * it (there is nowhere else to answer: the answer goes on top of the refreshed tab). For a while
 * after someone opened it (watchMs), a change of state of one of their runs refreshes it too,
 * coalesced: at most one refresh per person per refreshMs, showing everything up to then. People
 * who have not opened it recently cost nothing, and at most maxViewers are watched.
 */
export class HomeService {
  private readonly viewers = new Map<string, Viewer>();
  /** The last state seen of each watched person's runs that are going, to tell a state change from progress. */
  private readonly states = new Map<string, RunState>();
  private readonly now: () => Date;
  private readonly createTimer: (onDue: () => void, now: () => Date) => Timer;
  private readonly refreshMs: number;
  private readonly watchMs: number;
  private readonly maxViewers: number;
  private readonly unsubscribe: Unsubscribe;

  constructor(private readonly deps: HomeServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.createTimer = deps.createTimer ?? ((onDue, now) => new FireTimer(onDue, now));
    this.refreshMs = deps.refreshMs ?? 10_000;
    this.watchMs = deps.watchMs ?? 3_600_000;
    this.maxViewers = deps.maxViewers ?? 500;
    this.unsubscribe = deps.events.onRunChanged((run) => this.runChanged(run));
  }

  /** Someone opened their Home tab: published now (an old answer left out), and kept fresh for a while. */
  opened(user: string): Promise<void> {
    this.watch(user).note = undefined;
    return this.publish(user);
  }

  /**
   * The answer to a press in someone's Home tab, shown on top of the tab published fresh, and of
   * the refreshes that follow for a minute (the press usually changes a run: its refresh comes next).
   */
  answered(user: string, reply: Reply): Promise<void> {
    const viewer = this.watch(user);
    if (reply.kind === 'error' || reply.kind === 'info') {
      viewer.note = { note: reply, until: this.now().getTime() + NOTE_MS };
    }
    return this.publish(user);
  }

  /** People whose tabs are being kept fresh (tests, metrics). */
  get watching(): number {
    return this.viewers.size;
  }

  close(): void {
    this.unsubscribe();
    for (const viewer of this.viewers.values()) viewer.pending?.cancel();
    this.viewers.clear();
    this.states.clear();
  }

  /** What someone's tab shows now. */
  async content(user: string, note?: HomeContent['note']): Promise<HomeContent> {
    const { store, policy } = this.deps;
    const now = this.now();
    const catalog = await this.deps.templates();
    // A sweep's trials are reported by the sweep, not one by one.
    const own = (run: Run) => run.launchedBy === user && !run.quiet;
    const active = store.listRuns({ active: true }).filter(own);
    const ended = await store.loadRuns({ launchedBy: user, ended: true, limit: RECENT_RESULTS * 3 });
    const schedules = store
      .listSchedules()
      .filter((s) => s.owner === user)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((schedule) => ({ schedule, nextFire: nextFireOf(schedule, now) }));
    return {
      now,
      active,
      recent: ended.filter(own).slice(0, RECENT_RESULTS),
      schedules,
      templates: launchableTemplates(catalog, policy),
      objectiveOf: (template) => catalog.templates.get(template)?.objective?.metric,
      note,
    };
  }

  /** Marks someone as watching their tab from now; the same record is kept, moved to the newest end. */
  private watch(user: string): Viewer {
    const viewer = this.viewers.get(user) ?? { openedAt: 0, publishedAt: 0 };
    viewer.openedAt = this.now().getTime();
    // Re-inserted: the map's order is the order people last opened their tabs.
    this.viewers.delete(user);
    this.viewers.set(user, viewer);
    while (this.viewers.size > this.maxViewers) {
      const [oldest] = this.viewers.keys();
      this.forget(oldest);
    }
    return viewer;
  }

  private forget(user: string): void {
    this.viewers.get(user)?.pending?.cancel();
    this.viewers.delete(user);
  }

  private runChanged(run: Run): void {
    const before = this.states.get(run.id);
    if (isEnded(run.state)) this.states.delete(run.id);
    const viewer = this.viewers.get(run.launchedBy);
    if (!viewer || run.quiet) return;
    if (this.now().getTime() - viewer.openedAt > this.watchMs) {
      this.forget(run.launchedBy);
      return;
    }
    if (!isEnded(run.state)) this.states.set(run.id, run.state);
    if (before !== run.state) this.refreshSoon(run.launchedBy, viewer);
  }

  /** One refresh per person per refreshMs: a change while one waits is shown by that one. */
  private refreshSoon(user: string, viewer: Viewer): void {
    if (viewer.pending) return;
    const timer = this.createTimer(() => {
      if (viewer.pending === timer) viewer.pending = undefined;
      if (this.viewers.get(user) === viewer) void this.publish(user);
    }, this.now);
    viewer.pending = timer;
    timer.arm(new Date(Math.max(this.now().getTime(), viewer.publishedAt + this.refreshMs)));
  }

  private async publish(user: string): Promise<void> {
    const viewer = this.viewers.get(user);
    const kept = viewer?.note;
    const note = kept && kept.until > this.now().getTime() ? kept.note : undefined;
    if (viewer) {
      viewer.publishedAt = this.now().getTime();
      // This publish shows everything a waiting refresh would have.
      viewer.pending?.cancel();
      viewer.pending = undefined;
    }
    try {
      await this.deps.chat.publishHome(user, await this.content(user, note));
    } catch (err) {
      this.deps.log.error('publishing a Home tab failed', { user, err });
    }
  }
}
