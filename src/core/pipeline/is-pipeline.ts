/**
 * True when a parsed template file is a pipeline (it has `steps:`), so the template loader can
 * hand it to parsePipeline instead of parseTemplate. Only the key decides: a pipeline with a
 * broken `steps:` value still goes to parsePipeline, which says what is wrong with it.
 */
export function isPipelineFile(data: unknown): boolean {
  return data !== null && typeof data === 'object' && !Array.isArray(data) && Object.hasOwn(data, 'steps');
}
