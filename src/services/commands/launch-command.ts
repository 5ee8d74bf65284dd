import type { Command } from '../../core/command/command.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { CommandOutcome, Requester } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { PipelineService } from '../pipelines/PipelineService.ts';
import { type CommandModule, refuse } from './command-module.ts';

/** What the launch command needs of the pipeline service. */
type PipelineLauncher = Pick<PipelineService, 'launch' | 'whenEnded'>;

/**
 * `/train <template> name=value ... --option value`: a run launched as the person who typed it,
 * or, when the name is a pipeline's, that pipeline.
 */
export class LaunchCommand implements CommandModule<'launch'> {
  readonly verbs = ['launch'] as const;

  constructor(
    private readonly launcher: Pick<Launcher, 'launch'>,
    private readonly pipelines?: { templates: () => Promise<TemplateCatalog>; service: PipelineLauncher },
  ) {}

  async handle(command: Extract<Command, { verb: 'launch' }>, from: Requester): Promise<CommandOutcome> {
    const catalog = await this.pipelines?.templates();
    if (this.pipelines && catalog?.pipelines?.has(command.template)) {
      const { service } = this.pipelines;
      const started = await service.launch({
        pipeline: command.template,
        params: command.params,
        options: command.options,
        user: from.user,
        channel: from.channel,
      });
      if (!started.ok) return refuse(started.error);
      const { id } = started.record;
      return { started: [], groups: [() => service.whenEnded(id).then((r) => r.end?.state === 'succeeded')] };
    }
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
