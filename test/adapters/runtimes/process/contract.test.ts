import { ProcessRuntime } from '../../../../src/adapters/runtimes/process/ProcessRuntime.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import { makeRun } from '../../../support/make-run.ts';
import {
  type ContractBackend,
  describeRuntimeContract,
  type JobScript,
} from '../../../support/runtime-contract.ts';

/** The Node program that plays a script, as `node -e` text; the script itself comes as argv[1]. */
const PLAYER = `
const script = JSON.parse(process.argv[1]);
const print = (lines) => lines.forEach((l) => console.log(l));
if (script.kind === 'finite') { print(script.lines); process.exitCode = script.exitCode; }
else if (script.kind === 'gated') {
  print(script.before);
  const wait = setInterval(() => {}, 1000);
  process.on('SIGUSR1', () => { print(script.after); clearInterval(wait); process.exitCode = script.exitCode; });
} else {
  let i = 0;
  const tick = setInterval(() => console.log('tick ' + ++i), 20);
  process.on('SIGTERM', () => { clearInterval(tick); console.log('bye'); });
}`;

let counter = 0;

function processBackend(): ContractBackend {
  return {
    survivesRestart: false,
    newRuntime: () =>
      new ProcessRuntime({ log: silentLogger, graceMs: 2000, env: { PATH: process.env.PATH } }),
    job: (script: JobScript) =>
      makeRun(
        { number: ++counter },
        { template: 'contract', command: ['node', '-e', PLAYER], args: [JSON.stringify(script)] },
      ),
    play: async () => {},
    release: async (run) => {
      process.kill(Number(run.placement?.handle.replace('pid ', '')), 'SIGUSR1');
    },
    endedOnBackend: async () => {},
    printed: async () => {},
    close: async () => {},
  };
}

describeRuntimeContract('process', async () => processBackend());
