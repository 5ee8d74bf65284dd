// `npm run dev [-- <command> ...]`: the `trainyard` command straight from src/ through tsx, no build
// step (default command: start). What ships is dist/ (bin/trainyard.mjs); tests run both.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const args = process.argv.slice(2);
process.exitCode = await main(args.length ? args : ['start']);
