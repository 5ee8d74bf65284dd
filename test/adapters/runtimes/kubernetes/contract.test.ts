import type { Run } from '../../../../src/core/run/run.ts';
import { eventually } from '../../../support/eventually.ts';
import { FakeKubeApiServer } from '../../../support/kube-api-server.ts';
import { makeRun } from '../../../support/make-run.ts';
import {
  type ContractBackend,
  describeRuntimeContract,
  type JobScript,
} from '../../../support/runtime-contract.ts';
import { NAMESPACE, runtimeFor } from './harness.ts';

/**
 * The fake API server plays the cluster: the test plays the kubelet, starting each run's pod and
 * writing its log as the script says.
 */
async function kubernetesBackend(): Promise<ContractBackend> {
  const fake = await FakeKubeApiServer.start();
  const kubeconfig = fake.writeKubeconfig({ namespace: NAMESPACE });
  const releases = new Map<string, () => void>();
  const ended = new Map<string, Promise<void>>();
  const ticked = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let counter = 0;
  const podOf = (run: Run) =>
    eventually(`a pod for ${run.id}`, () => fake.podOf(run.id)?.metadata.name as string);

  async function play(run: Run, script: JobScript): Promise<void> {
    const pod = await podOf(run);
    fake.startContainer(pod);
    if (script.kind === 'finite') {
      fake.log(pod, script.lines);
      fake.terminate(pod, script.exitCode);
    } else if (script.kind === 'gated') {
      fake.log(pod, script.before);
      await new Promise<void>((resolve) => releases.set(run.id, resolve));
      fake.log(pod, script.after);
      fake.terminate(pod, script.exitCode);
    } else {
      let i = 0;
      const timer = setInterval(() => {
        // Stopping deletes the Job and its pod: the ticking ends with it.
        if (fake.podOf(run.id)?.metadata.name !== pod) {
          clearInterval(timer);
          return;
        }
        fake.log(pod, [`tick ${++i}`]);
        ticked.set(run.id, i);
      }, 20);
      timers.add(timer);
    }
  }

  return {
    survivesRestart: true,
    newRuntime: () => runtimeFor(kubeconfig),
    job: (script) => {
      counter++;
      return makeRun(
        { id: `r-contract${String(counter).padStart(3, '0')}`, number: counter },
        { template: 'contract', image: 'ghcr.io/acme/contract:1', args: [script.kind] },
      );
    },
    play: (run, script) => {
      const done = play(run, script);
      ended.set(run.id, done);
      return done;
    },
    release: async (run) => {
      (await eventually(`${run.id} to wait for its release`, () => releases.get(run.id)))();
    },
    endedOnBackend: async (run) => {
      await ended.get(run.id);
    },
    printed: async (run, line) => {
      const n = Number(line.replace('tick ', ''));
      await eventually(`${line} from ${run.id}`, () => (ticked.get(run.id) ?? 0) >= n);
    },
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      await fake.close();
    },
  };
}

describeRuntimeContract('kubernetes (fake API server)', kubernetesBackend);
