// The image's entry point: runs the compiled CLI (dist/) with the container's arguments,
// e.g. `start`, `check` or `templates`. Locally, bin/trainyard.mjs runs the sources instead.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
