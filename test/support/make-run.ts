import type { Run, RunSpec } from '../../src/core/run/run.ts';

/**
 * A run as the run service would create it, for tests and benches. A spec given in `overrides`
 * and the `spec` fields are both laid over the default spec, the `spec` fields last.
 */
export function makeRun(overrides: Partial<Run> = {}, spec: Partial<RunSpec> = {}): Run {
  const id = overrides.id ?? `r-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
  return {
    id,
    number: 1,
    state: 'queued',
    launchedBy: 'U1',
    channel: 'C1',
    createdAt: new Date('2026-01-01T00:00:00Z').toISOString(),
    metrics: {},
    history: [],
    ...overrides,
    spec: {
      template: 'demo',
      params: {},
      command: ['node', '-e', 'console.log("hi")'],
      args: [],
      env: {},
      workdir: process.cwd(),
      resources: { gpu: 0 },
      job: { backoffLimit: 0 },
      ...overrides.spec,
      ...spec,
    },
  };
}
