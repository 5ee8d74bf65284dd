import type { RawOptions, RawParams } from '../../core/command/command.ts';
import type { Run } from '../../core/run/run.ts';
import type { Template, TemplateCatalog } from '../../core/template/template.ts';
import type { Requester } from '../../ports/chat.ts';
import type { FormSubmit, FormVerdict } from '../../ports/forms.ts';
import type { Launcher, LaunchRequest } from '../../ports/launcher.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { checkFormParams, FORM_STALE, fieldOfError } from '../../views/blocks/form-errors.ts';
import { FORM_BLOCKS } from '../../views/blocks/form-fields.ts';
import { launchParams } from '../runs/plan-launch.ts';
import { formTemplate } from './launchable.ts';

export interface FormSubmissionsDeps {
  store: Pick<Store, 'loadRun' | 'claimOnce'>;
  templates: () => Promise<TemplateCatalog>;
  launcher: Pick<Launcher, 'check' | 'launch'>;
  log: Logger;
}

/** Forms whose launch failed after they were claimed, remembered so a corrected submit may launch. */
const MAX_RELEASED = 1000;

const NOT_OURS =
  'This form was not opened by this Trainyard (or by an older version of it); close it and open it again.';

/**
 * Submitted launch forms. Every value is checked as a typed command is (each param on its own
 * field first, then the whole launch through the launcher's check: template, options, channel,
 * GPU cap), and the run is launched as the submitter, in the form's channel, only when all is
 * right. A form launches once: a submission delivered twice shares the first one's verdict, and a
 * form that launched is claimed in the store, so a submit sent again later (Slack's ack was slow,
 * the bot restarted) closes the form without a second run.
 */
export class FormSubmissions {
  private readonly pending = new Map<string, Promise<FormVerdict>>();
  /** Forms claimed for a launch that then failed: a corrected submission may still launch. */
  private readonly released = new Set<string>();

  constructor(private readonly deps: FormSubmissionsDeps) {}

  submit(submission: FormSubmit, from: Requester): Promise<FormVerdict> {
    const key = submission.formId;
    const running = this.pending.get(key);
    if (running) return running;
    const verdict = this.decide(submission, from).finally(() => this.pending.delete(key));
    this.pending.set(key, verdict);
    return verdict;
  }

  private async decide(submission: FormSubmit, from: Requester): Promise<FormVerdict> {
    const request = await this.request(submission, from);
    if ('errors' in request) return { ok: false, errors: request.errors };
    const { req, template } = request;

    const checked = await this.deps.launcher.check(req);
    if (!checked.ok) return refused(checked.error, template);

    const claim = `form:${submission.formId}`;
    if (!this.released.delete(submission.formId) && !this.deps.store.claimOnce(claim)) {
      // Launched already: this is the same form sent again. Closing it is the answer.
      this.deps.log.info('form submitted again after its launch; nothing launched twice', {
        form: submission.formId,
      });
      return { ok: true };
    }
    const launched = await this.deps.launcher.launch(req);
    if (launched.ok) return { ok: true, run: launched.run };
    this.release(submission.formId);
    return refused(launched.error, template);
  }

  /** The launch a submission asks for, or the errors that keep it from being one. */
  private async request(
    submission: FormSubmit,
    from: Requester,
  ): Promise<{ req: LaunchRequest; template: Template } | { errors: Record<string, string> }> {
    const { context } = submission;
    if (!context) return { errors: { [FORM_STALE]: NOT_OURS } };
    const name = context.template ?? submission.pickedTemplate;
    if (!name) return { errors: { [FORM_BLOCKS.template]: 'Choose a template to launch.' } };
    if (submission.pickedTemplate !== undefined && submission.pickedTemplate !== name) {
      return {
        errors: {
          [FORM_BLOCKS.template]: `The form was still switching to ${submission.pickedTemplate}; look at its fields and submit again.`,
        },
      };
    }
    const found = formTemplate(await this.deps.templates(), name);
    if (!found.ok) return { errors: { [FORM_STALE]: found.error } };
    const { template } = found;

    let rerun: Run | undefined;
    if (context.rerunOf !== undefined) {
      rerun = await this.deps.store.loadRun(context.rerunOf);
      if (!rerun) {
        return {
          errors: {
            [FORM_STALE]: 'The run this form reruns is no longer known to Trainyard; close the form.',
          },
        };
      }
    }
    const channel = context.channel ?? submission.channel;
    if (!channel) return { errors: { [FORM_BLOCKS.channel]: 'Choose the channel the run is posted in.' } };

    const errors = checkFormParams(template, submission.params, { rerun: rerun !== undefined });
    if (Object.keys(errors).length > 0) return { errors };

    // A rerun starts from the run's own values; an empty field keeps them.
    const params: RawParams = rerun
      ? { ...launchParams(rerun.spec.params), ...submission.params }
      : submission.params;
    const options: RawOptions = rerun ? { ...rerun.options, ...submission.options } : submission.options;
    const req: LaunchRequest = {
      template: template.name,
      params,
      options,
      user: from.user,
      channel,
      origin: rerun ? { kind: 'rerun', runId: rerun.id, runNumber: rerun.number } : { kind: 'command' },
    };
    return { req, template };
  }

  private release(formId: string): void {
    if (this.released.size >= MAX_RELEASED) {
      const oldest = this.released.values().next().value;
      if (oldest !== undefined) this.released.delete(oldest);
    }
    this.released.add(formId);
  }
}

/** A refusal from the launch checks, on the field it is about (or the form's first field). */
function refused(error: string, template: Template): FormVerdict {
  return { ok: false, errors: { [fieldOfError(error, template) ?? FORM_STALE]: error } };
}
