import type { Command, Verb } from '../../core/command/command.ts';
import { parseCommand } from '../../core/command/parse-command.ts';
import type { Reply } from '../../core/reply.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { ChatHandlers, ChatPort, CommandOutcome, Requester } from '../../ports/chat.ts';
import type { FormSubmit, FormVerdict } from '../../ports/forms.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { commandNames } from '../runs/plan-launch.ts';
import { type ButtonModule, type CommandModule, refuse } from './command-module.ts';

export interface CommandDispatcherDeps {
  store: Pick<Store, 'claimOnce'>;
  /** The current templates: the parser names an unknown word rightly only when it knows them. */
  templates: () => Promise<TemplateCatalog>;
  chat: Pick<ChatPort, 'answer'>;
  log: Logger;
  commands: CommandModule[];
  buttons: ButtonModule[];
  /** Submitted forms (absent: forms are refused). */
  forms?: { submit(submission: FormSubmit, from: Requester): Promise<FormVerdict> };
  /** Home tabs: opened, and answered in (absent: Home tabs stay empty and presses there are answered as elsewhere). */
  home?: { opened(user: string): Promise<void>; answered(user: string, reply: Reply): Promise<void> };
}

const OUR_FAULT = 'Something went wrong on our side; the error is in the bot log.';
const UNKNOWN_BUTTON = 'That button is not one Trainyard knows; it may come from an older card.';

/**
 * The one door both chats enter by (ChatHandlers). A delivery is checked for repeats once,
 * parsed once, handed to the module that owns its verb or button, and answered to the asker.
 * Nothing a person types or presses makes it throw.
 */
export class CommandDispatcher implements ChatHandlers {
  private readonly byVerb = new Map<Verb, CommandModule>();
  private readonly byAction = new Map<string, ButtonModule>();

  constructor(private readonly deps: CommandDispatcherDeps) {
    for (const module of deps.commands) for (const verb of module.verbs) this.byVerb.set(verb, module);
    for (const module of deps.buttons) for (const action of module.actions) this.byAction.set(action, module);
  }

  async command(text: string, from: Requester, key?: string): Promise<CommandOutcome> {
    // A delivery the chat retried (same key) was answered the first time.
    if (key && !this.deps.store.claimOnce(`command:${key}`)) return { started: [] };
    const outcome = await this.execute(text, from);
    if (outcome.reply) await this.deps.chat.answer(from, outcome.reply);
    return outcome;
  }

  async action(action: string, value: string, from: Requester, key?: string): Promise<void> {
    if (key && !this.deps.store.claimOnce(`action:${key}`)) return;
    const reply = await this.press(action, value, from);
    if (!reply) return;
    // A press in the Home tab has nowhere else to be answered: the tab is published again with the answer on top.
    if (from.home && this.deps.home) await this.deps.home.answered(from.user, reply);
    else await this.deps.chat.answer(from, reply);
  }

  async submitForm(submission: FormSubmit, from: Requester): Promise<FormVerdict> {
    if (!this.deps.forms) return { ok: false, errors: { '*': 'Forms are not available here.' } };
    try {
      return await this.deps.forms.submit(submission, from);
    } catch (err) {
      this.deps.log.error('form submission failed', { err });
      return { ok: false, errors: { '*': OUR_FAULT } };
    }
  }

  async homeOpened(user: string): Promise<void> {
    await this.deps.home?.opened(user);
  }

  private async execute(text: string, from: Requester): Promise<CommandOutcome> {
    const parsed = parseCommand(text, { templates: commandNames(await this.deps.templates()) });
    if (!parsed.ok) return refuse(parsed.error);
    const command: Command = parsed.command;
    const module = this.byVerb.get(command.verb);
    if (!module) return refuse(`/train ${command.verb} is not available here.`);
    try {
      return await module.handle(command, from);
    } catch (err) {
      this.deps.log.error('command failed', { err, verb: command.verb });
      return refuse(OUR_FAULT);
    }
  }

  private async press(action: string, value: string, from: Requester): Promise<Reply | undefined> {
    const module = this.byAction.get(action);
    if (!module) return { kind: 'error', text: UNKNOWN_BUTTON };
    try {
      return await module.press(action, value, from);
    } catch (err) {
      this.deps.log.error('button failed', { err, action });
      return { kind: 'error', text: OUR_FAULT };
    }
  }
}
