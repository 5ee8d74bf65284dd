import type { Command } from '../../core/command/command.ts';
import type { CommandOutcome, Requester } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import { type CommandModule, refuse } from './command-module.ts';

/** `/train <template> name=value ... --option value`: a run launched as the person who typed it. */
export class LaunchCommand implements CommandModule<'launch'> {
  readonly verbs = ['launch'] as const;

  constructor(private readonly launcher: Pick<Launcher, 'launch'>) {}

  async handle(command: Extract<Command, { verb: 'launch' }>, from: Requester): Promise<CommandOutcome> {
    const result = await this.launcher.launch({
      template: command.template,
      params: command.params,
      options: command.options,
      user: from.user,
      channel: from.channel,
      origin: { kind: 'command' },
    });
    return result.ok ? { started: [result.run] } : refuse(result.error);
  }
}
