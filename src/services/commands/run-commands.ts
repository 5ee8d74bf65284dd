import type { Command } from '../../core/command/command.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { CommandOutcome, Requester } from '../../ports/chat.ts';
import type { Store } from '../../ports/store.ts';
import { answer, type CommandModule, type NumberedGroup, refuse } from './command-module.ts';
import { findRun } from './find-run.ts';
import type { RunActions } from './RunActions.ts';

const RUN_VERBS = ['help', 'templates', 'list', 'status', 'logs', 'stop', 'rerun'] as const;
type RunVerb = (typeof RUN_VERBS)[number];

export interface RunCommandsDeps {
  store: Pick<Store, 'listRuns' | 'loadRun' | 'loadRunByNumber'>;
  templates: () => Promise<TemplateCatalog>;
  actions: RunActions;
  /** Sweeps, pipelines: asked about a number no run has. */
  groups?: NumberedGroup[];
}

/** Looking at runs and acting on one: help, templates, list, status, logs, stop, rerun. */
export class RunCommands implements CommandModule<RunVerb> {
  readonly verbs = RUN_VERBS;

  constructor(private readonly deps: RunCommandsDeps) {}

  async handle(command: Extract<Command, { verb: RunVerb }>, from: Requester): Promise<CommandOutcome> {
    switch (command.verb) {
      case 'help':
        return answer({ kind: 'help' });
      case 'templates': {
        const catalog = await this.deps.templates();
        return answer({
          kind: 'templates',
          templates: [...catalog.templates.values()],
          pipelines: [...(catalog.pipelines?.values() ?? [])],
        });
      }
      case 'list':
        return answer({ kind: 'runs', runs: this.recentRuns() });
    }
    const found = await findRun(this.deps.store, command.run);
    if (!found.ok) {
      if (command.verb !== 'rerun') {
        for (const group of this.deps.groups ?? []) {
          const outcome = await group.onNumber(command.verb, command.run, from);
          if (outcome) return outcome;
        }
      }
      return refuse(found.error);
    }
    const { run } = found;
    const { actions } = this.deps;
    switch (command.verb) {
      case 'status':
        return answer({ kind: 'run', run });
      case 'logs':
        return answer(await actions.logs(run));
      case 'stop':
        return answer(await actions.stop(run, from.user));
      case 'rerun':
        return actions.rerun(run, from, command.params);
    }
  }

  /** Active runs first, then the most recent ended ones. */
  private recentRuns(): Run[] {
    const { store } = this.deps;
    const active = store.listRuns({ active: true });
    const ended = store
      .listRuns({ limit: 10 + active.length })
      .filter((r) => isEnded(r.state))
      .slice(0, 10);
    return [...active, ...ended];
  }
}
