import type { RawOptions, RawParams } from './command.ts';
import { CommandError } from './command-error.ts';
import { didYouMean } from './suggest.ts';
import { showInput, type Token } from './tokenize.ts';

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export type Arguments = { params: Map<string, string>; options: Map<string, string>; positionals: Token[] };

export type OptionRule =
  | { options: 'any' }
  | { options: 'none'; verb: string }
  | { options: readonly string[] };

/**
 * Sorts the words after a command into `name=value` params, `--option value` / `--option=value`
 * options and bare words (which the caller decides about). Malformed or repeated params and
 * options are errors here, in the order they appear.
 */
export function collectArguments(words: Token[], rule: OptionRule): Arguments {
  const args: Arguments = { params: new Map(), options: new Map(), positionals: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (isOption(word)) {
      const hasInlineValue = word.equals !== -1;
      const name = word.text.slice(2, hasInlineValue ? word.equals : undefined).toLowerCase();
      checkOptionName(name, word, rule);
      let value: string;
      if (hasInlineValue) {
        value = word.text.slice(word.equals + 1);
      } else {
        const next = words[i + 1];
        if (!next || isOption(next) || next.equals !== -1) {
          throw new CommandError(`--${name} needs a value, e.g. --${name} ${optionExample(name)}.`);
        }
        value = next.text;
        i++;
      }
      if (args.options.has(name))
        throw new CommandError(`The option --${name} is given twice; give each option once.`);
      args.options.set(name, value);
    } else if (word.equals !== -1) {
      const [name, value] = checkParam(word);
      if (args.params.has(name))
        throw new CommandError(`The param ${name} is given twice; give each param once.`);
      args.params.set(name, value);
    } else {
      args.positionals.push(word);
    }
  }
  return args;
}

function checkOptionName(name: string, word: Token, rule: OptionRule): void {
  if (!OPTION_NAME.test(name)) {
    throw new CommandError(
      `${showInput(word.raw)} is not an option; options are a name after two dashes, e.g. --gpu 2.`,
    );
  }
  if (rule.options === 'none') {
    throw new CommandError(
      `${rule.verb} takes only name=value changes, not options like --${name}; e.g. /train ${rule.verb} 42 lr=0.01.`,
    );
  }
  if (rule.options !== 'any' && !rule.options.includes(name)) {
    const allowed = rule.options.map((o) => `--${o}`);
    throw new CommandError(
      `--${name} is not an option here; use ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}.${didYouMean(`--${name}`, allowed)}`,
    );
  }
}

function optionExample(name: string): string {
  const examples: Record<string, string> = { name: 'nightly', tz: 'Europe/Berlin', policy: 'forbid' };
  return Object.hasOwn(examples, name) ? examples[name] : '<value>';
}

function checkParam(word: Token): [string, string] {
  const name = word.text.slice(0, word.equals);
  const value = word.text.slice(word.equals + 1);
  if (name === '') {
    throw new CommandError(
      `${showInput(word.raw)} has no param name before "="; write name=value, e.g. epochs=5.`,
    );
  }
  if (!PARAM_NAME.test(name)) {
    throw new CommandError(
      `${showInput(name)} is not a valid param name; start with a letter or _ and use only letters, digits, _, . and -.`,
    );
  }
  // `lr=` is almost always an unfinished edit; an empty value must be asked for with quotes.
  if (value === '' && word.raw.endsWith('=')) {
    throw new CommandError(`${name} has no value; write ${name}=<value>, or ${name}="" for an empty one.`);
  }
  return [name, value];
}

export function positionalError(word: Token): string {
  if (word.raw.startsWith('-')) {
    return `${showInput(word.raw)} is not an option; options start with two dashes, e.g. --gpu 2.`;
  }
  return `${showInput(word.text)} is not a name=value param; write params as name=value, e.g. epochs=5.`;
}

export function isOption(word: Token): boolean {
  return word.raw.startsWith('--');
}

export function isPositional(word: Token): boolean {
  return !isOption(word) && word.equals === -1;
}

export function toRecord(map: Map<string, string>): RawParams & RawOptions {
  const record: Record<string, string> = {};
  for (const [key, value] of map) {
    // Plain assignment to `__proto__` would replace the prototype instead of adding a key.
    if (key === '__proto__')
      Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    else record[key] = value;
  }
  return record;
}
