import type { GroupCard } from '../../core/group-card.ts';
import { finalOutputs } from '../../core/pipeline/final-outputs.ts';
import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import { NOTICE_LOG_LINES } from '../../core/run/run.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { within } from '../../shared/within.ts';

export interface PipelineReportsDeps {
  store: Pick<Store, 'getRun' | 'pipelines'>;
  chat: Pick<ChatPort, 'postGroupCard' | 'updateGroupCard' | 'postGroupNotice'>;
  logs: Pick<LogArchive, 'flush' | 'tail'>;
  launcher: Pick<Launcher, 'whenEnded'>;
  log: Logger;
}

/** How long the notice waits for the final runs' own completion (their artifacts are listed then). */
const FINAL_RUNS_WAIT_MS = 10_000;

/**
 * What a pipeline shows in the chat: its one card, posted at launch and updated in place as its
 * step runs move (the chat coalesces the updates), and its one completion notice, recorded as
 * sent once the chat has it, so a restart sends it if it was still owed and never twice.
 */
export class PipelineReports {
  /** Card posts under way, so the notice (in the card's thread) waits for its card. */
  private readonly posting = new Map<string, Promise<void>>();

  constructor(private readonly deps: PipelineReportsDeps) {}

  card(record: PipelineRun): GroupCard {
    const { store } = this.deps;
    return { kind: 'pipeline', pipeline: record, runOf: (id) => store.getRun(id) };
  }

  /** Posts the card in the background and keeps where it is on the record. */
  post(record: PipelineRun): void {
    if (record.card || this.posting.has(record.id)) return;
    const work = this.postNow(record).finally(() => this.posting.delete(record.id));
    this.posting.set(record.id, work);
  }

  /** Shows the record as it is now on its card. */
  refresh(record: PipelineRun): void {
    if (record.card) this.deps.chat.updateGroupCard(record.card, this.card(record), record.end !== undefined);
  }

  /**
   * The pipeline ended: its card's final state, then its notice (the failed step's last log
   * lines with it). True once the notice is dealt with; false when the chat shut down first.
   */
  async finish(id: string): Promise<boolean> {
    const { store, chat, logs } = this.deps;
    await this.posting.get(id);
    const ended = store.pipelines.get(id);
    if (!ended?.end) return false;
    if (ended.noticeSent) return true;
    this.refresh(ended);
    await this.finalRunsCompleted(ended);
    let tail: string[] = [];
    const failed = ended.end.state === 'failed' ? ended.steps[ended.end.key] : undefined;
    if (failed && 'runId' in failed && failed.runId) {
      await logs.flush();
      tail = await logs.tail(failed.runId, NOTICE_LOG_LINES);
    }
    const record = store.pipelines.get(id) ?? ended;
    const sent = await chat.postGroupNotice(record.card, record.channel, this.card(record), tail);
    if (sent) {
      const latest = store.pipelines.get(id) ?? record;
      store.pipelines.save({ ...latest, noticeSent: true });
    }
    return sent;
  }

  /** The final steps' runs have recorded their artifacts, which the notice lists. */
  private async finalRunsCompleted(record: PipelineRun): Promise<void> {
    const ids = finalOutputs(record.pipeline, record.steps).map((o) => o.runId);
    const completed = ids.map((runId) => this.deps.launcher.whenEnded(runId).catch(() => undefined));
    await within(FINAL_RUNS_WAIT_MS, Promise.all(completed));
  }

  private async postNow(record: PipelineRun): Promise<void> {
    const { store, chat, log } = this.deps;
    try {
      const ref = await chat.postGroupCard(record.channel, this.card(record));
      if (!ref) return;
      const latest = store.pipelines.get(record.id) ?? record;
      const posted = { ...latest, card: ref };
      store.pipelines.save(posted);
      // The pipeline may have moved on while the card was being posted.
      this.refresh(posted);
    } catch (err) {
      log.error('posting a pipeline card failed', { pipeline: record.id, err });
    }
  }
}
