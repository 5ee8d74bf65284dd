import type { SlackMessage } from '../../../views/blocks/block-kit.ts';
import { HttpStatusError } from './slack-error.ts';

/** What a response_url is sent: an answer only the asker sees, beside the original message. */
export const ephemeral = (msg: SlackMessage) => ({
  response_type: 'ephemeral',
  replace_original: false,
  ...msg,
});

/**
 * POSTs a JSON body to a command's or button's response_url (works even where the bot is not a
 * member). The default when no lean transport is given (tests, Socket Mode apps built by hand).
 */
export async function postToResponseUrl(url: string, body: object): Promise<true> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.body?.cancel();
  if (!res.ok) {
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new HttpStatusError(res.status, retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  return true;
}
