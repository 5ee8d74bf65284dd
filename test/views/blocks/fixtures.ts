import assert from 'node:assert/strict';
import type { Run, RunSpec } from '../../../src/core/run/run.ts';
import type { Block, SlackMessage } from '../../../src/views/blocks/block-kit.ts';
import { makeRun as makeBaseRun } from '../../fakes/make-run.ts';

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

/** A block as plain JSON, with the fields the limit checks read. */
interface BlockJson {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
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

const texts = (b: BlockJson): string[] => JSON.stringify(b).match(/"text":"(?:[^"\\]|\\.)*"/g) ?? [];

/** Fails unless the message respects every Block Kit limit Slack enforces. */
export function assertWithinLimits(msg: SlackMessage): void {
  assert.ok(msg.text.length > 0 && msg.text.length <= 3000, 'fallback text present and bounded');
  assert.ok(msg.blocks.length <= 50, `at most 50 blocks, got ${msg.blocks.length}`);
  for (const block of msg.blocks as unknown as BlockJson[]) {
    if (block.type === 'header') assert.ok((block.text?.text.length ?? 0) <= 150, 'header ≤ 150');
    if (block.type === 'section') {
      if (block.text) {
        assert.ok(block.text.text.length <= 3000, `section text ≤ 3000, got ${block.text.text.length}`);
        const fences = block.text.text.split('```').length - 1;
        assert.equal(fences % 2, 0, 'code fences are balanced');
      }
      if (block.fields) {
        assert.ok(block.fields.length <= 10, 'at most 10 fields');
        for (const f of block.fields) assert.ok(f.text.length <= 2000, 'field ≤ 2000');
      }
    }
    if (block.type === 'actions') {
      for (const e of block.elements ?? []) {
        assert.ok(e.text.text.length <= 75, 'button text ≤ 75');
        assert.ok(e.value.length <= 2000, 'button value ≤ 2000');
      }
    }
    if (block.type === 'context') assert.ok((block.elements?.length ?? 0) <= 10, 'context ≤ 10 elements');
    assert.ok(texts(block).length > 0 || block.type === 'divider', 'every block carries text');
  }
}
