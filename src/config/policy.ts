import { plural } from '../core/plural.ts';
import type { Run, RunSpec } from '../core/run/run.ts';
import type { Policy } from '../ports/policy.ts';

/** `*` stands for every channel (as a key) or every template (as a value). */
export const ANY = '*';

/** The policy file's content, after validation (src/config/policy-file.ts). */
export interface PolicySettings {
  /** User ids that may stop anyone's run and delete anyone's schedule. */
  admins: string[];
  /** Channel id (or `*`) → templates that may be launched there (or `*`). Absent: every channel may launch anything. */
  channels?: Record<string, string[] | typeof ANY>;
  maxConcurrentRunsPerUser?: number;
  maxGpusPerRun?: number;
  /** Caps a sweep's --parallel: at most this many of its trials run at once. */
  maxParallelTrials?: number;
}

/** With no policy file: everyone may launch anything anywhere; stop is for the launcher. */
export const OPEN_POLICY: PolicySettings = { admins: [] };

/**
 * The rules of a policy file as a Policy. Pure: the orchestrator passes in what it knows
 * (the user's active runs), and every refusal is one sentence saying what would be allowed.
 * The limits apply to admins too; being an admin only widens who may stop a run.
 */
export function createPolicy(settings: PolicySettings): Policy {
  const admins = new Set(settings.admins);
  const isAdmin = (user: string) => admins.has(user);

  function templatesAllowedIn(channel: string): string[] | typeof ANY | undefined {
    if (!settings.channels) return ANY;
    return settings.channels[channel] ?? settings.channels[ANY];
  }

  return {
    isAdmin,

    checkLaunch(_user: string, channel: string, spec: RunSpec, activeRunsOfUser: number): string | undefined {
      const allowed = templatesAllowedIn(channel);
      if (allowed === undefined || (Array.isArray(allowed) && allowed.length === 0)) {
        return 'Nothing may be launched in this channel; ask a Trainyard admin which channel to use.';
      }
      if (allowed !== ANY && !allowed.includes(spec.template)) {
        return `Template ${spec.template} may not be launched in this channel; allowed here: ${allowed.join(', ')}.`;
      }
      const maxGpus = settings.maxGpusPerRun;
      if (maxGpus !== undefined && spec.resources.gpu > maxGpus) {
        return `This run asks for ${plural(spec.resources.gpu, 'GPU')} but the limit is ${maxGpus} per run; ask for ${maxGpus} or fewer.`;
      }
      const maxRuns = settings.maxConcurrentRunsPerUser;
      if (maxRuns !== undefined && activeRunsOfUser >= maxRuns) {
        return `You already have ${plural(activeRunsOfUser, 'run')} going (the limit is ${maxRuns}); stop one or wait.`;
      }
      return undefined;
    },

    mayLaunch(template: string, channel?: string): boolean {
      const allows = (allowed: string[] | typeof ANY | undefined) =>
        allowed === ANY || (Array.isArray(allowed) && allowed.includes(template));
      if (channel !== undefined) return allows(templatesAllowedIn(channel));
      return !settings.channels || Object.values(settings.channels).some(allows);
    },

    mayStop(user: string, launched: Pick<Run, 'launchedBy'>): boolean {
      return user === launched.launchedBy || isAdmin(user);
    },

    ...(settings.maxParallelTrials !== undefined && { maxParallelTrials: settings.maxParallelTrials }),
  };
}
