import type { ParamValue } from '../run/run.ts';

export type ParamType = 'int' | 'float' | 'bool' | 'string' | 'enum';

/** A template's param, after schema validation. */
export interface ParamDef {
  name: string;
  type: ParamType;
  default?: ParamValue;
  required: boolean;
  min?: number;
  max?: number;
  /** For floats: value must be strictly greater than min / less than max. */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** Regex a string must match in full. */
  pattern?: string;
  values?: string[];
  help?: string;
}

export interface Objective {
  metric: string;
  goal: 'min' | 'max';
}
