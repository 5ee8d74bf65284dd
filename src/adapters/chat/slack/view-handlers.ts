import type { App, BlockAction, ViewSubmitAction } from '@slack/bolt';
import { VIEWS } from '../../../core/actions.ts';
import type { ChatHandlers, Requester } from '../../../ports/chat.ts';
import type { FormVerdict } from '../../../ports/forms.ts';
import type { Logger } from '../../../shared/log.ts';
import type { RecentKeys } from '../../../shared/recent-keys.ts';
import { decodeFormContext } from '../../../views/blocks/form-context.ts';
import { FORM_STALE, formErrorResponse } from '../../../views/blocks/form-errors.ts';
import { type FormState, readFormSubmission } from '../../../views/blocks/read-form.ts';

/**
 * A submission is answered in its ack, which Slack waits 3 s for: a verdict not ready by then is
 * answered with a sentence on the form (the launch, if it happens, is claimed, so submitting again
 * closes the form without a second run).
 */
const SUBMIT_WITHIN_MS = 2_500;
const TOO_SLOW = 'Trainyard took too long to check this form; submit it again in a moment.';

/** A refusal about the form as a whole, not one of its fields (FORM_STALE). */
const onForm = (text: string): FormVerdict => ({ ok: false, errors: { [FORM_STALE]: text } });

/**
 * Who pressed, and from where: a message (its channel and response_url), an open form (its view,
 * and the channel Trainyard wrote into it), or the Home tab (no channel: the hub answers there).
 * The trigger_id lets the answer open a form.
 */
export function requesterOfAction(body: BlockAction): Requester {
  const from: Requester = { user: body.user.id, channel: '', trigger: body.trigger_id };
  const view = body.view;
  if (view?.type === 'home') return { ...from, home: true };
  if (view) {
    return {
      ...from,
      channel: decodeFormContext(view.private_metadata)?.channel ?? '',
      form: { id: view.id, hash: view.hash },
    };
  }
  return {
    ...from,
    channel: body.channel?.id ?? body.container?.channel_id ?? '',
    replyTo: body.response_url,
  };
}

export interface ViewHandlersOptions {
  log: Logger;
  /** The door, once the chat has started. */
  door: () => ChatHandlers | undefined;
  /** Events Slack delivered before (it retries events it thinks were not received). */
  deliveries: RecentKeys;
  /** Acks, timing the ack from `received` (default: now). */
  timedAck: (ack: () => Promise<void>, received?: number) => Promise<void>;
}

/**
 * The Bolt listeners of forms and the Home tab: a submitted launch form is checked by the hub and
 * answered in its ack (`response_action: errors` on its fields, or nothing, which closes it);
 * opening the Home tab asks the hub to publish it.
 */
export function registerViewHandlers(app: App, opts: ViewHandlersOptions): void {
  const { log } = opts;

  app.view<ViewSubmitAction>(VIEWS.launchForm, async ({ ack, body, view }) => {
    const received = performance.now();
    const values = view.state.values as unknown as FormState;
    const context = decodeFormContext(view.private_metadata);
    const read = readFormSubmission(values);
    const from: Requester = { user: body.user.id, channel: context?.channel ?? read.channel ?? '' };
    const verdict = await decide(opts.door(), { formId: view.id, context, ...read }, from, log);
    await opts.timedAck(
      () => (verdict.ok ? ack() : ack(formErrorResponse(verdict.errors, Object.keys(values)))),
      received,
    );
  });

  // Any other view's submission is not Trainyard's (an older version's form): closing it is the answer.
  app.view<ViewSubmitAction>(new RegExp(`^(?!${VIEWS.launchForm}$)`), async ({ ack, view }) => {
    log.info('a form Trainyard does not know was submitted; closed', { callbackId: view.callback_id });
    await opts.timedAck(() => ack());
  });

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    if (!opts.deliveries.firstTime(`event:${body.event_id}`)) return;
    opts
      .door()
      ?.homeOpened(event.user)
      .catch((err: unknown) => log.error('publishing a Home tab failed', { err }));
  });
}

/** The hub's verdict within SUBMIT_WITHIN_MS; a sentence on the form when there is none. */
async function decide(
  door: ChatHandlers | undefined,
  submission: Parameters<ChatHandlers['submitForm']>[0],
  from: Requester,
  log: Logger,
): Promise<FormVerdict> {
  if (!door) return onForm(TOO_SLOW);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<FormVerdict>((resolve) => {
    timer = setTimeout(() => resolve(onForm(TOO_SLOW)), SUBMIT_WITHIN_MS);
  });
  try {
    return await Promise.race([door.submitForm(submission, from), late]);
  } catch (err) {
    log.error('form submission failed', { err });
    return onForm('Something went wrong on Trainyard’s side; the details are in its log.');
  } finally {
    clearTimeout(timer);
  }
}
