import type { Run, RunSpec } from '../../../src/core/run/run.ts';
import type { Block } from '../../../src/views/blocks/block-kit.ts';
import { makeRun as makeBaseRun } from '../../support/make-run.ts';

/** A run in the middle of its life, with every fact a card shows; override what a test is about. */
export function makeRun(overrides: Partial<Run> = {}, spec: Partial<RunSpec> = {}): Run {
  return makeBaseRun(
    {
      id: 'r-abc123def4',
      number: 42,
      state: 'running',
      launchedBy: 'U123',
      createdAt: '2026-11-28T10:00:00.000Z',
      startedAt: '2026-11-28T10:00:05.000Z',
      placement: { handle: 'resnet-42-x7k2', namespace: 'ml' },
      progress: { current: 3, total: 10, unit: 'epoch' },
      metrics: { loss: 0.3121, acc: 0.91 },
      ...overrides,
    },
    {
      template: 'resnet',
      params: { epochs: 30, lr: 0.01 },
      image: 'ghcr.io/acme/resnet:1.2',
      command: ['python', 'train.py'],
      workdir: '/templates/resnet',
      resources: { gpu: 1 },
      ...overrides.spec,
      ...spec,
    },
  );
}

/** A block as plain JSON, with the fields the button helpers read. */
interface BlockJson {
  type: string;
  elements?: ButtonJson[];
}

/** A button as plain JSON. */
export interface ButtonJson {
  action_id: string;
  value: string;
  style?: string;
  text: { text: string };
  confirm?: { title: { text: string } };
}

/** The buttons of a message, in order. */
export function buttonsOf(blocks: Block[]): ButtonJson[] {
  return (blocks as unknown as BlockJson[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
}
