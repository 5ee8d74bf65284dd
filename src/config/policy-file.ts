import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { Policy } from '../ports/policy.ts';
import { ConfigError } from './env.ts';
import { ANY, createPolicy, OPEN_POLICY, type PolicySettings } from './policy.ts';

const id = z
  .string({ error: 'must be a Slack id such as U024BE7LH' })
  .regex(/^[A-Za-z0-9._-]+$/, { error: 'must be a Slack id such as U024BE7LH, without spaces' });

const templateList = z.union(
  [z.literal(ANY), z.array(z.string().min(1, { error: 'must be a template name' }))],
  {
    error: `must be a list of template names or "${ANY}"`,
  },
);

function wholeNumberFrom(min: number) {
  const error = `must be a whole number of at least ${min}`;
  return z.number({ error }).int({ error }).min(min, { error });
}

/** The policy file's keys and what each must be. */
const policyShape = {
  admins: z.array(id, { error: 'must be a list of Slack user ids' }).default([]),
  channels: z
    .record(z.union([z.literal(ANY), id], { error: `must be a channel id or "${ANY}"` }), templateList, {
      error: 'must map channel ids (or "*") to template lists',
    })
    .optional(),
  maxConcurrentRunsPerUser: wholeNumberFrom(1).optional(),
  maxGpusPerRun: wholeNumberFrom(0).optional(),
  maxParallelTrials: wholeNumberFrom(1).optional(),
};
const KEYS = Object.keys(policyShape);

/** The policy file (TRAINYARD_CONFIG). Unknown keys are problems too: a typo must not silently open access. */
const policySchema = z.strictObject(policyShape, {
  error: `must be a mapping with ${KEYS.slice(0, -1).join(', ')} and ${KEYS.at(-1)}`,
});

/** Every problem of the file as `file: field: message`, and the settings when there are none. */
async function readPolicyFile(path: string): Promise<{ problems: string[]; settings?: PolicySettings }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { problems: [`${path}: cannot be read; check TRAINYARD_CONFIG points to the policy file.`] };
  }
  const doc = parseDocument(text);
  if (doc.errors.length) {
    // The pretty message repeats the position and quotes the source; keep its first sentence.
    const problems = doc.errors.map(
      (e) => `${path}: line ${e.linePos?.[0].line ?? '?'}: ${e.message.split(/ at line \d+/)[0]}`,
    );
    return { problems };
  }
  const parsed = policySchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.map(String).join('.');
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key(s) ${issue.keys.join(', ')}; the keys are ${KEYS.join(', ')}`
          : issue.message;
      return [path, field, message].filter(Boolean).join(': ');
    });
    return { problems };
  }
  return { problems: [], settings: parsed.data };
}

/** Problems of the policy file for `trainyard check` (empty when it is fine). */
export async function checkPolicyFile(path: string): Promise<string[]> {
  return (await readPolicyFile(path)).problems;
}

/**
 * The policy of TRAINYARD_CONFIG; without a file, the open default (everyone may launch
 * anything; stop is for the launcher). Throws ConfigError listing every problem.
 */
export async function loadPolicyFile(path?: string): Promise<Policy> {
  if (!path) return createPolicy(OPEN_POLICY);
  const { problems, settings } = await readPolicyFile(path);
  if (!settings) {
    throw new ConfigError(
      `The policy file has ${problems.length} problem(s); fix them and start again:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
  return createPolicy(settings);
}
