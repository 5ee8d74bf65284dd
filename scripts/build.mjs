// `npm run build`: compiles src/ into a clean dist/. `npm ci` runs it as `prepare` (with --prepare):
// a production-only install (`--omit=dev`) has no compiler and must not fail there, so it says so
// once and leaves dist/ to be copied in (as the image does).
import { build, findTsc } from './dist.mjs';

const tsc = findTsc();
if (!tsc && process.argv.includes('--prepare')) {
  console.error(
    'prepare: TypeScript is not installed (a production-only install), so dist/ was not built; build it with `npm ci` where dev dependencies are installed.',
  );
} else if (!tsc) {
  console.error('TypeScript is not installed; run `npm ci` (with dev dependencies) first.');
  process.exitCode = 1;
} else {
  process.exitCode = build({ clean: true, tsc });
}
