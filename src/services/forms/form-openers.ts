import { ACTIONS } from '../../core/actions.ts';
import type { Command } from '../../core/command/command.ts';
import type { Reply } from '../../core/reply.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { ChatPort, CommandOutcome, Requester } from '../../ports/chat.ts';
import type { Policy } from '../../ports/policy.ts';
import type { Store } from '../../ports/store.ts';
import type { ButtonModule, CommandModule } from '../commands/command-module.ts';
import { RUN_GONE } from '../commands/find-run.ts';
import { formTemplate, launchableTemplates } from './launchable.ts';

export interface FormOpenersDeps {
  store: Pick<Store, 'loadRun'>;
  templates: () => Promise<TemplateCatalog>;
  policy: Pick<Policy, 'mayLaunch'>;
  chat: Pick<ChatPort, 'showForm'>;
}

/**
 * What opens a form: the "Rerun with changes" button of an ended run's card (and of a result in
 * the Home tab), a template's Launch button in the Home tab, and the template chosen in `/train
 * new`'s picker. Slack's trigger lasts 3 s, so opening does only quick lookups (the run, the
 * templates) and checks nothing else: the values are checked when the form is submitted.
 */
export class FormButtons implements ButtonModule {
  readonly actions = [ACTIONS.rerunForm, ACTIONS.launchForm, ACTIONS.pickTemplate];

  constructor(private readonly deps: FormOpenersDeps) {}

  async press(action: string, value: string, from: Requester): Promise<Reply | undefined> {
    if (action === ACTIONS.rerunForm) return this.rerun(value, from);
    const catalog = await this.deps.templates();
    if (action === ACTIONS.pickTemplate) {
      // A template picked in `/train new`: the picker again, with that template's form below it.
      const templates = launchableTemplates(catalog, this.deps.policy, from.channel || undefined);
      const chosen = templates.find((t) => t.name === value);
      await this.deps.chat.showForm(from, {
        kind: 'new',
        templates,
        chosen,
        channel: from.channel || undefined,
      });
      return undefined;
    }
    const found = formTemplate(catalog, value);
    if (!found.ok) return { kind: 'error', text: found.error };
    await this.deps.chat.showForm(from, {
      kind: 'launch',
      template: found.template,
      channel: from.channel || undefined,
    });
    return undefined;
  }

  /** The form of an ended run's template, filled with its values; its run goes where the run went. */
  private async rerun(runId: string, from: Requester): Promise<Reply | undefined> {
    const [run, catalog] = await Promise.all([this.deps.store.loadRun(runId), this.deps.templates()]);
    if (!run) return { kind: 'error', text: RUN_GONE };
    const found = formTemplate(catalog, run.spec.template);
    if (!found.ok) return { kind: 'error', text: found.error };
    await this.deps.chat.showForm(from, {
      kind: 'launch',
      template: found.template,
      channel: from.channel || run.channel,
      rerun: run,
    });
    return undefined;
  }
}

/** `/train new`: the template picker of the templates this channel may launch. */
export class NewRunCommand implements CommandModule<'new'> {
  readonly verbs = ['new'] as const;

  constructor(private readonly deps: Omit<FormOpenersDeps, 'store'>) {}

  async handle(_command: Extract<Command, { verb: 'new' }>, from: Requester): Promise<CommandOutcome> {
    const templates = launchableTemplates(await this.deps.templates(), this.deps.policy, from.channel);
    await this.deps.chat.showForm(from, { kind: 'new', templates, channel: from.channel });
    return { started: [] };
  }
}
