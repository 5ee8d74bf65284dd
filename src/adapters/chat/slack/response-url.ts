import type { SlackMessage } from '../../../views/blocks/block-kit.ts';
import { HttpStatusError } from './slack-error.ts';

/** An ephemeral answer through a command's or button's response_url (works even where the bot is not a member). */
export async function postToResponseUrl(url: string, msg: SlackMessage): Promise<true> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...msg }),
  });
  await res.body?.cancel();
  if (!res.ok) {
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new HttpStatusError(res.status, retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  return true;
}
