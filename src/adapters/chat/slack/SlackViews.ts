import type { types, webApi } from '@slack/bolt';
import type { Reply } from '../../../core/reply.ts';
import type { Requester } from '../../../ports/chat.ts';
import type { FormView } from '../../../ports/forms.ts';
import type { HomeContent } from '../../../ports/home.ts';
import type { Logger } from '../../../shared/log.ts';
import { renderHome } from '../../../views/blocks/home.ts';
import { renderLaunchForm } from '../../../views/blocks/launch-form.ts';
import { renderNewRunForm } from '../../../views/blocks/new-run-form.ts';
import type { OutboundQueue } from './OutboundQueue.ts';

/** How long after a press its trigger_id is still worth sending (Slack accepts it for 3 s). */
const TRIGGER_LIFE_MS = 2_500;

export interface SlackViewsOptions {
  web: webApi.WebClient;
  queue: OutboundQueue;
  log: Logger;
  /** Tells someone why their form did not open. */
  answer: (to: Requester, reply: Reply) => Promise<void>;
}

/**
 * Trainyard's views: forms (modals, opened with views.open and the delivery's trigger_id, or
 * replaced in place with views.update) and Home tabs (views.publish). Every call goes through the
 * outbound queue with its method's budget (Tier 4 each).
 */
export class SlackViews {
  constructor(private readonly opts: SlackViewsOptions) {}

  /**
   * Opens a form, or replaces the open form the request came from. Opening is a priority call: the
   * trigger_id is good for 3 s, so it goes ahead of card updates and notices.
   */
  async showForm(to: Requester, form: FormView): Promise<void> {
    const view = renderForm(form);
    const { web, queue } = this.opts;
    if (to.form) {
      const { id, hash } = to.form;
      // A hash conflict means the form changed meanwhile (another choice): the later update wins.
      await queue.deliver({
        method: 'views.update',
        priority: true,
        send: () => web.views.update({ view_id: id, ...(hash ? { hash } : {}), view }),
      });
      return;
    }
    const trigger = to.trigger;
    if (!trigger) {
      await this.opts.answer(to, { kind: 'error', text: 'Forms open from a button or from /train new.' });
      return;
    }
    const opened = await queue.deliver({
      method: 'views.open',
      priority: true,
      // Past this Slack refuses the trigger anyway: better to say so at once than after the wait.
      expiresAt: Date.now() + TRIGGER_LIFE_MS,
      send: () => web.views.open({ trigger_id: trigger, view }),
    });
    if (opened.status === 'failed') {
      await this.opts.answer(to, {
        kind: 'error',
        text: 'Slack did not open the form in time; press the button (or type /train new) again.',
      });
    }
  }

  /** Publishes someone's Home tab; a newer one waiting for the same person replaces it (only the latest is sent). */
  async publishHome(user: string, home: HomeContent): Promise<void> {
    const view = renderHome(home);
    await this.opts.queue.enqueue({
      method: 'views.publish',
      coalesceKey: `home:${user}`,
      send: () => this.opts.web.views.publish({ user_id: user, view }),
    });
  }
}

function renderForm(form: FormView): types.ModalView {
  if (form.kind === 'new') {
    return renderNewRunForm({ templates: form.templates, chosen: form.chosen, channel: form.channel });
  }
  return renderLaunchForm({ template: form.template, channel: form.channel, rerun: form.rerun });
}
