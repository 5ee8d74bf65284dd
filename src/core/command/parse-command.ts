import { gitRefProblem } from '../code/git-ref.ts';
import { collectArguments, isPositional, positionalError, toRecord } from './arguments.ts';
import type { Command, ParseResult, RunRef } from './command.ts';
import { CommandError } from './command-error.ts';
import {
  checkPolicy,
  checkTimeZone,
  parseCron,
  parseScheduleNameArgument,
  requireScheduleName,
} from './schedule-arguments.ts';
import { didYouMean, suggest, unknownTemplateError } from './suggest.ts';
import { normalizeSlackText, showInput, type Token, tokenize } from './tokenize.ts';

/** Longer input is refused before any work is done; Slack itself caps slash command text near this. */
export const MAX_COMMAND_CHARS = 4000;

/** The words that start a command other than a launch; any other first word names a template. */
export const COMMAND_VERBS = [
  'new',
  'help',
  'templates',
  'list',
  'status',
  'logs',
  'chart',
  'stop',
  'rerun',
  'schedule',
  'schedules',
  'unschedule',
  'pause',
  'resume',
  'lineage',
  'sweep',
  'sweeps',
] as const;

const SCHEDULE_OPTIONS = ['name', 'tz', 'policy'] as const;

// Template names end up in Kubernetes names and labels, hence the short, plain form.
const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const RUN_NUMBER = /^#?(\d{1,9})$/;
const RUN_ID = /^r-[a-z0-9]+$/;

/** What the parser may know about the bot it parses for. */
export interface ParseContext {
  /**
   * The template names there are. With them, `foo 99` is answered about `foo` (no such template)
   * rather than about `99` (not a name=value param), which is right only when `foo` exists.
   */
  templates?: readonly string[];
}

/**
 * Parses the text of a `/train` command (what Slack sends after the slash command; a leading
 * `/train` typed in the console is dropped) into a typed command, or one sentence saying what
 * is wrong and what would be right. Never throws. Templates, params and launch options are
 * only checked for form here; whether they exist is for the orchestrator to say.
 */
export function parseCommand(text: string, context: ParseContext = {}): ParseResult {
  if (text.length > MAX_COMMAND_CHARS) {
    return {
      ok: false,
      error: `The command is ${text.length} characters long; keep it under ${MAX_COMMAND_CHARS}.`,
    };
  }
  const tokenized = tokenize(normalizeSlackText(text));
  if (!tokenized.ok) return tokenized;
  try {
    return { ok: true, command: parseWords(tokenized.tokens, context) };
  } catch (err) {
    if (err instanceof CommandError) return { ok: false, error: err.message };
    throw err;
  }
}

function parseWords(tokens: Token[], context: ParseContext): Command {
  const words = tokens[0]?.text.toLowerCase() === '/train' ? tokens.slice(1) : tokens;
  if (words.length === 0) return { verb: 'help' };
  const [first, ...rest] = words;
  const verb = first.equals === -1 ? COMMAND_VERBS.find((v) => v === first.text.toLowerCase()) : undefined;
  switch (verb) {
    case undefined:
      return parseLaunch(words, context);
    case 'help':
      // Extra words (`help schedule`) still deserve the help text rather than an error.
      return { verb: 'help' };
    case 'templates':
    case 'list':
    case 'schedules':
    case 'sweeps':
    case 'new':
      expectNothingAfter(verb, rest);
      return { verb };
    case 'status':
    case 'logs':
    case 'stop':
    case 'lineage':
    case 'chart':
      return { verb, run: parseSingleRun(verb, rest) };
    case 'rerun':
      return parseRerun(rest);
    case 'schedule':
      return parseSchedule(rest);
    case 'unschedule':
    case 'pause':
    case 'resume':
      return { verb, name: parseScheduleNameArgument(verb, rest) };
    case 'sweep':
      return parseSweep(rest);
  }
}

function parseLaunch(words: Token[], context: ParseContext): Command {
  const [first] = words;
  const namedFirst = isPositional(first);
  if (namedFirst && !TEMPLATE_NAME.test(first.text)) {
    throw new CommandError(
      `${showInput(first.text)} is neither a command nor a template name; type /train help for the commands or /train templates for the templates.${didYouMean(first.text, COMMAND_VERBS)}`,
    );
  }
  const args = collectArguments(namedFirst ? words.slice(1) : words, { options: 'any' });
  if (args.positionals.length > 0) {
    if (namedFirst)
      throw new CommandError(strayWordError(first, words.slice(1), args.positionals[0], context));
    throw new CommandError(positionalError(args.positionals[0]));
  }
  const template = namedFirst ? first.text : takeModelParam(args.params);
  const ref = args.options.get('ref');
  if (ref !== undefined) checkRef(ref);
  return { verb: 'launch', template, params: toRecord(args.params), options: toRecord(args.options) };
}

/**
 * `sweep <template> name=<space or value> … --option value …`: like a launch, the template first
 * (or as model=); the values and options are read by planSweep, which knows the template.
 */
function parseSweep(rest: Token[]): Command {
  const example = '/train sweep demo lr=[0.01,0.1,1]';
  const templateWord = rest[0] && isPositional(rest[0]) ? rest[0] : undefined;
  if (templateWord && !TEMPLATE_NAME.test(templateWord.text)) {
    throw new CommandError(
      `${showInput(templateWord.text)} is not a template name; write the template after sweep, e.g. ${example}.`,
    );
  }
  const args = collectArguments(rest.slice(templateWord ? 1 : 0), { options: 'any' });
  if (args.positionals.length > 0) throw new CommandError(positionalError(args.positionals[0]));
  if (!templateWord && !args.params.has('model')) {
    throw new CommandError(`sweep needs a template and the params to search, e.g. ${example}.`);
  }
  const template = templateWord ? templateWord.text : takeModelParam(args.params);
  return { verb: 'sweep', template, params: toRecord(args.params), options: toRecord(args.options) };
}

function parseRerun(rest: Token[]): Command {
  const run = parseRunRef('rerun', rest[0]);
  const args = collectArguments(rest.slice(1), { options: 'none', verb: 'rerun' });
  if (args.positionals.length > 0) throw new CommandError(positionalError(args.positionals[0]));
  return { verb: 'rerun', run, params: toRecord(args.params) };
}

function parseSchedule(rest: Token[]): Command {
  const cron = parseCron(rest[0]);
  const templateWord = rest[1] && isPositional(rest[1]) ? rest[1] : undefined;
  if (templateWord && !TEMPLATE_NAME.test(templateWord.text)) {
    throw new CommandError(
      `${showInput(templateWord.text)} is not a template name; write the template after the cron expression, e.g. /train schedule "0 6 * * *" demo.`,
    );
  }
  const args = collectArguments(rest.slice(templateWord ? 2 : 1), { options: SCHEDULE_OPTIONS });
  if (args.positionals.length > 0) throw new CommandError(positionalError(args.positionals[0]));
  const template = templateWord ? templateWord.text : takeModelParam(args.params);
  const command: Command = { verb: 'schedule', cron, template, params: toRecord(args.params) };
  const name = args.options.get('name');
  const timezone = args.options.get('tz');
  const policy = args.options.get('policy');
  if (name !== undefined) command.name = requireScheduleName(name);
  if (timezone !== undefined) command.timezone = checkTimeZone(timezone);
  if (policy !== undefined) command.policy = checkPolicy(policy);
  return command;
}

/** `--ref` ends up as an argument of git in the job's init container: only a well-formed ref name. */
function checkRef(ref: string): void {
  const problem = gitRefProblem(ref);
  if (problem) {
    throw new CommandError(
      `--ref ${showInput(ref)} is not a git branch, tag or commit: it ${problem}; e.g. --ref main, --ref v1.2 or --ref 3f2a9c1.`,
    );
  }
}

function parseSingleRun(verb: string, rest: Token[]): RunRef {
  const run = parseRunRef(verb, rest[0]);
  if (rest.length > 1) {
    throw new CommandError(
      `${verb} takes one run, e.g. /train ${verb} 42; remove ${showInput(rest[1].raw)}.`,
    );
  }
  return run;
}

/** `42`, `#42` (the number on the card) or a run id such as `r-0a1b2c3d4e`. */
function parseRunRef(verb: string, word: Token | undefined): RunRef {
  if (!word) throw new CommandError(`${verb} needs a run number, e.g. /train ${verb} 42.`);
  const number = RUN_NUMBER.exec(word.text);
  if (number && Number(number[1]) > 0) return { kind: 'number', number: Number(number[1]) };
  const id = word.text.toLowerCase();
  if (RUN_ID.test(id)) return { kind: 'id', id };
  throw new CommandError(
    `${showInput(word.text)} is not a run; use the run number from its card (42 or #42) or its id (r-…), e.g. /train ${verb} 42.`,
  );
}

function expectNothingAfter(verb: string, rest: Token[]): void {
  if (rest.length > 0) {
    throw new CommandError(`${verb} takes nothing after it; type just /train ${verb}.`);
  }
}

/**
 * `<word> <stray>`: a launch of template `word` with a word that is not name=value, or a mistyped
 * command. Blame the first word when it is a near-miss of a verb (`sttaus 1`) or names no template
 * (`foo 99`, known only with the context's templates), else the stray word (`demo 30`).
 */
function strayWordError(first: Token, rest: Token[], stray: Token, context: ParseContext): string {
  const { templates } = context;
  // A template that exists is what was meant, even when its name is near a verb (sleep, sweep).
  if (templates?.includes(first.text)) return positionalError(stray);
  const verb = suggest(first.text, COMMAND_VERBS);
  if (verb !== undefined && verb !== first.text.toLowerCase()) {
    const corrected = ['/train', verb, ...rest.map((t) => t.raw)].join(' ');
    return `${showInput(first.text)} is not a command; did you mean ${showInput(corrected, 60)}?`;
  }
  if (templates) return unknownTemplateError(first.text, templates, COMMAND_VERBS);
  return positionalError(stray);
}

/** A template given as `model=<template>` instead of first; it is not a param then. */
function takeModelParam(params: Map<string, string>): string {
  const model = params.get('model');
  if (model === undefined) {
    throw new CommandError(
      'Name a template first, e.g. /train demo epochs=3 (or model=demo); /train templates lists them.',
    );
  }
  if (!TEMPLATE_NAME.test(model)) {
    throw new CommandError(
      `${showInput(model)} is not a template name; template names are letters, digits, -, _ and ., e.g. model=demo.`,
    );
  }
  params.delete('model');
  return model;
}
