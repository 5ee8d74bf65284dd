import type { ParamDef, Template } from '../../../src/core/template/template.ts';

/** A template with one param of every type, as parseTemplate would give it; override what a test is about. */
export function makeTemplate(overrides: Partial<Template> = {}): Template {
  const params: ParamDef[] = [
    { name: 'epochs', type: 'int', default: 5, required: false, min: 1, max: 1000 },
    { name: 'lr', type: 'float', default: 0.1, required: false, min: 0, exclusiveMin: true },
    { name: 'dropout', type: 'float', default: 0.1, required: false, min: 0, max: 0.9 },
    { name: 'batch', type: 'int', default: 32, required: false, min: 1, max: 4096 },
    { name: 'optimizer', type: 'enum', default: 'sgd', required: false, values: ['sgd', 'adam', 'adamw'] },
    { name: 'augment', type: 'bool', default: false, required: false },
    { name: 'note', type: 'string', default: 'x', required: false },
  ];
  return {
    name: 'demo',
    file: '/templates/demo.yaml',
    dir: '/templates/demo',
    params,
    objective: { metric: 'acc', goal: 'max' },
    raw: { command: ['train'], args: [], env: {}, resources: {}, job: { backoffLimit: 0 } },
    ...overrides,
  };
}
