// A node:test reporter that writes how long each test file's tests took, as JSON
// ({ "<file>": ms }), so scripts/run-tests.mjs can start the slowest files first next time.
export default async function* durations(source) {
  const byFile = {};
  for await (const event of source) {
    if (
      (event.type === 'test:pass' || event.type === 'test:fail') &&
      event.data.nesting === 0 &&
      event.data.file
    )
      byFile[event.data.file] = (byFile[event.data.file] ?? 0) + (event.data.details?.duration_ms ?? 0);
  }
  yield JSON.stringify(byFile);
}
