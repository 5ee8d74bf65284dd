import { z } from 'zod';
import { paramSchema } from '../template/template-schema.ts';

/**
 * The shape of a pipeline YAML file. Structure only; cross-field rules (needs that exist, no
 * cycles, references a step may make, values that fit the step template's params) live in
 * parse-pipeline.ts. Strict like templates, so a misspelt key is an error.
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const objectiveSchema = z.strictObject({ metric: z.string().min(1), goal: z.enum(['min', 'max']) });

export const stepSchema = z.strictObject({
  template: z.string().min(1),
  params: z.record(z.string(), scalar).default({}),
  needs: z.array(z.string()).default([]),
  matrix: z.record(z.string(), z.array(scalar).min(1)).optional(),
  parallel: z.number().int().min(1).optional(),
  objective: objectiveSchema.optional(),
});

export const pipelineSchema = z.strictObject({
  description: z.string().optional(),
  params: z.record(z.string(), paramSchema).default({}),
  steps: z.record(z.string(), stepSchema),
});

export type PipelineFile = z.infer<typeof pipelineSchema>;
export type StepFile = z.infer<typeof stepSchema>;
