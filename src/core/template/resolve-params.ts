import type { RawParams } from '../command/command.ts';
import { didYouMean } from '../command/suggest.ts';
import type { Params } from '../run/run.ts';
import { coerceParamValue, describeAllowed, fitsParam } from './param-value.ts';
import type { Template } from './template.ts';

export type ResolveParamsResult = { ok: true; params: Params } | { ok: false; error: string };

/**
 * Types the raw `name=value` strings of a command by the template's params, checks bounds,
 * patterns and required params, and fills in defaults. The first problem found is
 * returned as one sentence for the person who typed the command. Pipelines declare params the
 * same way, so a pipeline's launch params are resolved by this too.
 */
export function resolveParams(
  template: Pick<Template, 'name' | 'params'>,
  raw: RawParams,
): ResolveParamsResult {
  const byName = new Map(template.params.map((p) => [p.name, p]));
  for (const name of Object.keys(raw)) {
    if (!byName.has(name)) {
      const names = [...byName.keys()];
      const list = names.length ? `its params are ${names.join(', ')}` : 'it takes no params';
      return {
        ok: false,
        error: `${template.name} has no param "${name}"; ${list}.${didYouMean(name, names)}`,
      };
    }
  }

  const params: Params = {};
  for (const def of template.params) {
    if (!Object.hasOwn(raw, def.name)) {
      if (def.default !== undefined) {
        params[def.name] = def.default;
        continue;
      }
      return {
        ok: false,
        error: `${template.name} needs ${def.name} (${describeAllowed(def)}); add ${def.name}=<value>.`,
      };
    }
    const text = raw[def.name];
    const value = coerceParamValue(def, text);
    if (value === undefined || !fitsParam(def, value)) {
      const hint = def.type === 'enum' ? didYouMean(text, def.values ?? []) : '';
      return { ok: false, error: `${def.name} must be ${describeAllowed(def)}, not "${text}".${hint}` };
    }
    params[def.name] = value;
  }
  return { ok: true, params };
}
