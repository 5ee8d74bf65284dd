#!/usr/bin/env node
// The `trainyard` command. Runs the compiled dist/ (built by `npm ci` through the `prepare` script),
// the same files the end-to-end tests spawn and the image ships; `npm run dev` runs the sources.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'Trainyard is not built yet (dist/cli/main.js is missing): run `npm ci` or `npm run build` in its folder first, or `npm run dev` to run the sources.\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
