// The layers of src/ and the one direction their imports may point (README "Architecture"):
//   core ← views ← ports ← services ← adapters ← app ← cli, with shared plumbing and config below adapters.
// `npm run lint` runs this; a new import that points the wrong way fails CI.

/** Pure libraries core may use: parsing and validation, no I/O. */
const PURE_PACKAGES = 'node_modules/(yaml|zod|cronstrue|node-cron)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one; split what they share into a third.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'core holds plain functions: no I/O, no client libraries, no other layer.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        pathNot: ['^src/core/', PURE_PACKAGES, '^path$'],
      },
    },
    {
      name: 'views-render-core-only',
      comment: 'views turn core values into chat messages; they may use Slack types, nothing else.',
      severity: 'error',
      from: { path: '^src/views/' },
      to: {
        pathNot: ['^src/core/', '^src/views/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'views-no-layers-above',
      severity: 'error',
      from: { path: '^src/views/' },
      to: { path: '^src/(ports|shared|config|services|adapters|app|cli)/' },
    },
    {
      name: 'ports-are-interfaces-over-core',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: ['^src/core/', '^src/ports/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ports-no-layers-above',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/(views|shared|config|services|adapters|app|cli)/' },
    },
    {
      name: 'shared-is-plumbing',
      comment: 'shared helpers know nothing of the bot beyond core types.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/(views|ports|config|services|adapters|app|cli)/' },
    },
    {
      name: 'config-below-adapters',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/(views|services|adapters|app|cli)/' },
    },
    {
      name: 'services-know-only-ports',
      comment: 'The hub talks to chats, runtimes and stores through ports, never to an adapter.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(config|adapters|app|cli)/' },
    },
    {
      name: 'adapters-below-app',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(services|app|cli)/' },
    },
    {
      name: 'adapters-do-not-import-adapters',
      comment:
        'An adapter sits behind a port; only the shared Docker engine module serves two (image builds and the docker runtime).',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/', '^src/adapters/docker/'] },
    },
    {
      name: 'runtimes-do-not-import-each-other',
      severity: 'error',
      from: { path: '^src/adapters/runtimes/([^/]+)/' },
      to: { path: '^src/adapters/runtimes/', pathNot: '^src/adapters/runtimes/$1/' },
    },
    {
      name: 'docker-module-serves-images-and-docker-runtime',
      severity: 'error',
      from: { path: '^src/adapters/', pathNot: ['^src/adapters/(docker|images|runtimes/docker)/'] },
      to: { path: '^src/adapters/docker/' },
    },
    {
      name: 'app-does-not-import-cli',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
    reporterOptions: {
      dot: { collapsePattern: '^src/(core|views|ports|shared|config|services|adapters/[^/]+|app|cli)/' },
    },
  },
};
