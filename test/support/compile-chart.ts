import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ChartSpec } from '../../src/core/chart/chart-spec.ts';

/** A chart spec compiled and run by Vega-Lite and Vega as the renderer would, without drawing it. */
export interface CompiledChart {
  view: vega.View;
  /** What Vega-Lite warned about (a warning usually means a spec mistake). */
  warnings: string[];
  /** Every dataset of the compiled spec, by name. */
  data(name: string): Record<string, unknown>[];
  /** Every text the chart draws (titles, axis titles and labels, legend labels). */
  texts(): string[];
}

export async function compileChart(spec: ChartSpec): Promise<CompiledChart> {
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  logger.warn = (...args: readonly unknown[]) => {
    warnings.push(args.map(String).join(' '));
    return logger;
  };
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  await view.runAsync();
  const sceneTexts: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const item = node as { marktype?: string; items?: unknown[]; text?: unknown };
    if (item.text !== undefined) sceneTexts.push(...[item.text].flat().map(String));
    for (const child of item.items ?? []) visit(child);
  };
  visit((view.scenegraph() as unknown as { root: unknown }).root);
  return {
    view,
    warnings,
    data: (name) => view.data(name) as Record<string, unknown>[],
    texts: () => sceneTexts,
  };
}
