// Parse + render: `/train` text → typed command → planLaunch (template, params, run spec)
// → batch/v1 Job object, the path every launch takes before the Kubernetes API call. Also timed with YAML output
// (`trainyard render`). Baseline: JSON.stringify of the same Job, measured in the same run.
import { cpus, loadavg } from 'node:os';
import { renderManifestYaml } from '../src/adapters/runtimes/kubernetes/job-manifest.ts';
import { loadTemplates } from '../src/adapters/templates/load-templates.ts';
import { previewJob } from '../src/cli/preview-job.ts';
import { parseCommand } from '../src/core/command/parse-command.ts';
import { planLaunch } from '../src/services/runs/plan-launch.ts';

// Several rounds, because the machines are shared: a round that another process preempts
// shows up as a p99 outlier, and the median round tells the code's own figure.
const ROUNDS = 5;
const ITERATIONS = 5_000;
const WARMUP = 2_000;
const TEXT = '/train model=resnet epochs=30 lr=1e-3 batch_size=256 gpus=2';

const catalog = await loadTemplates(new URL('../manifests', import.meta.url).pathname);

function parseAndRender() {
  const parsed = parseCommand(TEXT);
  if (!parsed.ok) throw new Error(parsed.error);
  const { command } = parsed;
  if (command.verb !== 'launch') throw new Error(`expected a launch, got ${command.verb}`);
  const plan = planLaunch(catalog, command.template, command.params, command.options);
  if (!plan.ok) throw new Error(plan.error);
  return previewJob(plan.spec, { namespace: 'ml' }).job;
}

const job = parseAndRender();

interface Round {
  p50: number;
  p99: number;
}

/** Times `fn` one call at a time; p50 and p99 of the per-call durations in ms. */
function round(fn: () => unknown): Round {
  const times = new Array<number>(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    fn();
    times[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(ITERATIONS * 0.5)], p99: times[Math.floor(ITERATIONS * 0.99)] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(fn: () => unknown): { rounds: Round[]; p50: number; p99: number } {
  for (let i = 0; i < WARMUP; i++) fn();
  const rounds: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    globalThis.gc?.();
    rounds.push(round(fn));
  }
  return { rounds, p50: median(rounds.map((r) => r.p50)), p99: median(rounds.map((r) => r.p99)) };
}

const baseline = measure(() => JSON.stringify(job));
const toObject = measure(parseAndRender);
const toYaml = measure(() => renderManifestYaml([parseAndRender()]));

const ms = (n: number) => `${n.toFixed(4)} ms`;
function row(name: string, m: ReturnType<typeof measure>): string {
  const ratio = `p50 ×${(m.p50 / baseline.p50).toFixed(1)}, p99 ×${(m.p99 / baseline.p99).toFixed(1)} of baseline`;
  const perRound = m.rounds.map((r) => r.p99.toFixed(3)).join(' ');
  return `${name.padEnd(30)} p50 ${ms(m.p50)}  p99 ${ms(m.p99)}  (${ratio}; p99 per round: ${perRound})`;
}

console.log(`machine: ${cpus().length} cpu, ${cpus()[0]?.model ?? 'unknown'}; node ${process.version}`);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (a loaded machine inflates p99)`,
);
console.log(`command: ${TEXT}`);
console.log(`${ROUNDS} rounds × ${ITERATIONS} calls after ${WARMUP} warm-up; figures are the median round`);
console.log(row('baseline JSON.stringify(Job)', baseline));
console.log(row('parse + render → Job object', toObject));
console.log(row('parse + render → Job YAML', toYaml));
console.log(`target p99 < 1 ms (Job object): ${toObject.p99 < 1 ? 'met' : 'MISSED'} (${ms(toObject.p99)})`);
