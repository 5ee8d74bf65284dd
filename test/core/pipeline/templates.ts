import assert from 'node:assert/strict';
import { parseTemplate } from '../../../src/core/template/parse-template.ts';
import type { Template } from '../../../src/core/template/template.ts';

/** A template parsed from YAML, as the loader would give it; fails the test if it does not parse. */
export function template(name: string, yaml: string): Template {
  const result = parseTemplate(name, `/t/${name}.yaml`, `/t/${name}`, yaml);
  assert.ok(result.ok, JSON.stringify(result));
  return result.template;
}

/** Templates the pipeline tests run steps of. */
export const TEMPLATES: ReadonlyMap<string, Template> = new Map(
  [
    template(
      'prep',
      `params:
  rows: { type: int, default: 100, min: 1, max: 100000 }
  seed: { type: int, default: 1 }
outputs: [rows, path]
image: busybox
command: [prep, '{{rows}}', '{{seed}}']
`,
    ),
    template(
      'train',
      `params:
  lr: { type: float, default: 0.1, min: 0, exclusiveMin: true }
  epochs: { type: int, default: 5, min: 1, max: 100 }
  data: { type: string, default: '' }
  optimizer: { type: enum, values: [sgd, adam], default: sgd }
objective: { metric: loss, goal: min }
image: busybox
command: [train]
`,
    ),
    template(
      'fit',
      `params:
  lr: { type: float, default: 0.1 }
image: busybox
command: [fit]
`,
    ),
    template(
      'eval',
      `params:
  weights: { type: string, required: true }
  candidates: { type: string, default: '[]' }
outputs: [acc]
image: busybox
command: [eval]
`,
    ),
  ].map((t) => [t.name, t]),
);
