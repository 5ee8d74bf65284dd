import { didYouMean } from '../command/suggest.ts';
import type { ParamValue } from '../run/run.ts';
import { OUTPUT_NAME } from '../run/run-outputs.ts';
import type { Objective, ParamDef, Template, TemplateProblem } from '../template/template.ts';
import { matrixSize } from './matrix.ts';
import { MAX_MATRIX_RUNS, MAX_PIPELINE_RUNS, MAX_STEPS, STEP_NAME } from './pipeline.ts';
import type { PipelineFile, StepFile } from './pipeline-schema.ts';
import { findReferences, type Reference, referenceText } from './references.ts';
import { findCycle, upstreamOf } from './step-graph.ts';
import { valueProblem } from './step-values.ts';

/** The cross-field rules of the steps; one instance per parse so the shared facts are computed once. */
export class StepChecker {
  private readonly problems: TemplateProblem[] = [];
  private readonly steps: [string, StepFile][];
  private readonly needs: Map<string, string[]>;

  constructor(
    private readonly pipelineName: string,
    private readonly file: string,
    body: PipelineFile,
    private readonly params: ParamDef[],
    private readonly templates: ReadonlyMap<string, Template>,
    private readonly broken: ReadonlyMap<string, TemplateProblem[]>,
  ) {
    this.steps = Object.entries(body.steps);
    // A step that needs itself is reported once below, not again as a cycle.
    this.needs = new Map(this.steps.map(([s, step]) => [s, [...new Set(step.needs)].filter((n) => n !== s)]));
  }

  run(): TemplateProblem[] {
    if (this.steps.length === 0) {
      this.add('steps', 'A pipeline needs at least one step under steps.');
      return this.problems;
    }
    if (this.steps.length > MAX_STEPS) {
      this.add('steps', `A pipeline has at most ${MAX_STEPS} steps; this one has ${this.steps.length}.`);
    }
    for (const [stepName, step] of this.steps) this.checkStep(stepName, step);
    const cycle = findCycle(this.needs);
    if (cycle) {
      this.add(
        `steps.${cycle[0]}.needs`,
        `Steps ${cycle.join(' → ')} need each other in a circle, so none of them could start; remove one of these needs.`,
      );
    }
    const runs = this.steps.reduce((n, [, step]) => n + (step.matrix ? matrixSize(step.matrix) : 1), 0);
    if (runs > MAX_PIPELINE_RUNS) {
      this.add(
        'steps',
        `A pipeline starts at most ${MAX_PIPELINE_RUNS} runs in all; this one would start ${runs}.`,
      );
    }
    return this.problems;
  }

  private add(field: string, message: string): void {
    this.problems.push({ file: this.file, field, message });
  }

  private checkStep(stepName: string, step: StepFile): void {
    const at = `steps.${stepName}`;
    if (!STEP_NAME.test(stepName)) {
      this.add(
        at,
        `Step name "${stepName}" must be at most 40 lowercase letters, digits, _ and -, starting with a letter.`,
      );
    }
    const template = this.templateOf(stepName, step);
    this.checkNeeds(stepName, step);
    const upstream = upstreamOf(stepName, this.needs);
    for (const [param, value] of Object.entries(step.params)) {
      this.checkParamName(at, 'params', param, template);
      this.checkLiteral(`${at}.params.${param}`, template, param, value);
      if (step.matrix && Object.hasOwn(step.matrix, param)) {
        this.add(`${at}.params.${param}`, `${param} is set in both params and matrix; keep one of them.`);
      }
      for (const use of findReferences(value)) {
        const problem = use.ref
          ? this.referenceProblem(stepName, use.ref, upstream)
          : `{{${use.text}}} is not a reference; write {{<param>}} for a param of the pipeline or {{steps.<step>.outputs.<name>}} for an output of an earlier step.`;
        if (problem) this.add(`${at}.params.${param}`, problem);
      }
    }
    this.checkMatrix(at, step, template);
    if (template) this.checkRequired(at, step, template);
    this.checkObjective(at, step, template);
  }

  private templateOf(stepName: string, step: StepFile): Template | undefined {
    const template = this.templates.get(step.template);
    if (template) return template;
    const problem = this.broken.get(step.template)?.[0];
    if (problem) {
      const where = problem.field ? `${problem.field}: ` : '';
      this.add(
        `steps.${stepName}.template`,
        `Template ${step.template} cannot be used until it is fixed: ${where}${problem.message}`,
      );
      return undefined;
    }
    if (step.template === this.pipelineName) {
      this.add(
        `steps.${stepName}.template`,
        'A pipeline cannot run itself as a step; name an ordinary template.',
      );
      return undefined;
    }
    const names = [...this.templates.keys()].sort();
    const list = names.length ? `templates are ${names.join(', ')}` : 'there are no templates';
    this.add(
      `steps.${stepName}.template`,
      `There is no template "${step.template}"; ${list}.${didYouMean(step.template, names)}`,
    );
    return undefined;
  }

  private checkNeeds(stepName: string, step: StepFile): void {
    const names = this.steps.map(([s]) => s);
    for (const need of step.needs) {
      if (need === stepName) {
        this.add(`steps.${stepName}.needs`, `A step cannot need itself; remove ${need} from needs.`);
      } else if (!this.needs.has(need)) {
        this.add(
          `steps.${stepName}.needs`,
          `There is no step "${need}" in this pipeline; its steps are ${names.join(', ')}.${didYouMean(need, names)}`,
        );
      }
    }
  }

  private checkParamName(at: string, where: 'params' | 'matrix', param: string, template?: Template): void {
    if (!template || template.params.some((p) => p.name === param)) return;
    const names = template.params.map((p) => p.name);
    const list = names.length ? `its params are ${names.join(', ')}` : 'it takes no params';
    this.add(
      `${at}.${where}.${param}`,
      `Template ${template.name} has no param "${param}"; ${list}.${didYouMean(param, names)}`,
    );
  }

  private referenceProblem(stepName: string, ref: Reference, upstream: Set<string>): string | undefined {
    const written = `{{${referenceText(ref)}}}`;
    if (ref.kind === 'param') {
      if (this.params.some((p) => p.name === ref.name)) return undefined;
      const names = this.params.map((p) => p.name);
      const list = names.length ? `its params are ${names.join(', ')}` : 'it declares no params';
      return `${written} is not a param of this pipeline; ${list}.${didYouMean(ref.name, names)}`;
    }
    const producer = this.steps.find(([s]) => s === ref.step)?.[1];
    if (!producer) {
      const names = this.steps.map(([s]) => s);
      return `${written} reads step ${ref.step}, which is not in this pipeline; its steps are ${names.join(', ')}.${didYouMean(ref.step, names)}`;
    }
    if (ref.step === stepName) return `${written}: a step cannot read its own outputs.`;
    if (!upstream.has(ref.step))
      return `${written} reads step ${ref.step}, which this step does not need; add ${ref.step} to needs.`;
    const one = `{{steps.${ref.step}.outputs.${ref.output}}}`;
    const best = `{{steps.${ref.step}.best.outputs.${ref.output}}}`;
    const all = `{{steps.${ref.step}.all.outputs.${ref.output}}}`;
    if (producer.matrix && ref.pick === 'one') {
      return `Step ${ref.step} runs once per matrix combination, so ${written} has no single value; read ${best} (by its objective) or ${all} (a JSON list).`;
    }
    if (!producer.matrix && ref.pick !== 'one') {
      return `Step ${ref.step} runs once (it has no matrix), so there is no ${ref.pick} of its runs; read ${one}.`;
    }
    const template = this.templates.get(producer.template);
    if (ref.pick === 'best' && !producer.objective && !template?.objective) {
      return `${written} needs an objective to pick the best run of step ${ref.step}; give the step (or template ${producer.template}) an objective: { metric, goal }.`;
    }
    return this.outputProblem(written, ref.step, ref.output, template);
  }

  private outputProblem(
    written: string,
    step: string,
    output: string,
    template?: Template,
  ): string | undefined {
    if (!OUTPUT_NAME.test(output)) {
      return `${written} names output "${output}", but output names are lowercase letters, digits and _, starting with a letter.`;
    }
    const listed = template?.outputs;
    if (!template || !listed || listed.includes(output)) return undefined;
    return `${written}: template ${template.name} of step ${step} does not list output ${output}; its outputs are ${listed.join(', ') || 'none'}.${didYouMean(output, listed)}`;
  }

  private checkMatrix(at: string, step: StepFile, template?: Template): void {
    if (!step.matrix) {
      if (step.parallel !== undefined)
        this.add(`${at}.parallel`, 'parallel caps the runs of a matrix; this step has no matrix.');
      return;
    }
    for (const [param, values] of Object.entries(step.matrix)) {
      this.checkParamName(at, 'matrix', param, template);
      for (const value of values) this.checkLiteral(`${at}.matrix.${param}`, template, param, value);
      if (values.some((v) => findReferences(v).length > 0)) {
        this.add(`${at}.matrix.${param}`, 'Matrix values must be written out; they cannot use {{…}}.');
      }
    }
    const size = matrixSize(step.matrix);
    if (size > MAX_MATRIX_RUNS) {
      this.add(
        `${at}.matrix`,
        `A matrix makes at most ${MAX_MATRIX_RUNS} runs; this one would make ${size}.`,
      );
    }
  }

  /** A value written out (no `{{…}}`) must fit the step template's param as if typed. */
  private checkLiteral(
    field: string,
    template: Template | undefined,
    param: string,
    value: ParamValue,
  ): void {
    const def = template?.params.find((p) => p.name === param);
    if (!def || findReferences(value).length > 0) return;
    const problem = valueProblem(def, String(value));
    // One sentence per field: a matrix with several bad values names the first.
    if (problem && !this.problems.some((p) => p.field === field)) this.add(field, problem);
  }

  /** A param the template cannot do without must come from params or matrix. */
  private checkRequired(at: string, step: StepFile, template: Template): void {
    for (const def of template.params) {
      if (def.default !== undefined) continue;
      if (Object.hasOwn(step.params, def.name) || (step.matrix && Object.hasOwn(step.matrix, def.name)))
        continue;
      this.add(
        `${at}.params`,
        `Template ${template.name} needs ${def.name}; give it under params (or matrix), e.g. ${def.name}: <value>.`,
      );
    }
  }

  private checkObjective(at: string, step: StepFile, template?: Template): void {
    const objective: Objective | undefined = step.objective;
    if (!objective) return;
    if (!step.matrix) {
      this.add(`${at}.objective`, 'objective picks the best run of a matrix; this step has no matrix.');
      return;
    }
    // Any metric is an output, whatever its name; only a template's own list can rule one out.
    const listed = template?.outputs;
    if (template && listed && !listed.includes(objective.metric)) {
      this.add(
        `${at}.objective.metric`,
        `The objective metric ${objective.metric} is not an output of template ${template.name}; its outputs are ${listed.join(', ') || 'none'}.${didYouMean(objective.metric, listed)}`,
      );
    }
  }
}
