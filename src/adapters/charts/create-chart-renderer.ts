import type { Logger } from '../../shared/log.ts';
import { findChartFonts } from './chart-fonts.ts';
import { WorkerChartRenderer, type WorkerChartRendererOptions } from './WorkerChartRenderer.ts';

/**
 * The bot's chart renderer, with fonts found as findChartFonts says. Logs which fonts it uses,
 * and warns when there are none (charts then have no text).
 */
export function createChartRenderer(
  log: Pick<Logger, 'info' | 'warn'>,
  env: Record<string, string | undefined> = process.env,
  timeouts: Pick<WorkerChartRendererOptions, 'timeoutMs'> = {},
): WorkerChartRenderer {
  const fonts = findChartFonts({ env });
  if (fonts.files.length === 0) {
    log.warn(
      'charts will be drawn without text: no font file found; set TRAINYARD_CHART_FONTS to a .ttf file',
    );
  } else {
    log.info('charts drawn with fonts', { source: fonts.source, files: fonts.files });
  }
  return new WorkerChartRenderer({ fontFiles: fonts.files, log, ...timeouts });
}
