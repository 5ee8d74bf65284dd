import { plural } from '../../core/plural.ts';
import { terminalText } from './terminal.ts';

// Faint text on a terminal (SGR 2, reset by 22); plain where the output is not a terminal.
const dim = (text: string, interactive: boolean) => (interactive ? `\u001b[2m${text}\u001b[22m` : text);

/** Where a chart's picture was saved: `   📈 chart: data/charts/r-0a1b2c3d4e.png`. */
export function renderChartSavedText(path: string): string {
  return `   📈 chart: ${terminalText(path, 1000)}`;
}

/** Why a chart has no picture, in one faint line (the reason may quote a worker's own message). */
export function renderNoChartText(title: string, reason: string, interactive: boolean): string {
  return dim(`   (${terminalText(title, 200)}: no picture, ${terminalText(reason, 500)})`, interactive);
}

/**
 * What the console says instead of opening a form (forms are Slack's): the command to type, and
 * the templates there are to choose from.
 */
export function renderFormHintText(templates: readonly string[], template?: string): string {
  const names = templates.map((t) => terminalText(t, 100));
  const launch = `/train ${template ? terminalText(template, 100) : '<template>'} name=value …`;
  const list = names.length
    ? ` ${plural(names.length, 'template')} you may launch here: ${names.join(', ')}.`
    : ' There are no templates you may launch here.';
  return `Forms open in Slack; here, type ${launch} ("/train templates" lists the params).${list}`;
}
