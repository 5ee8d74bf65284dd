/** The store cannot be used as it is; the message is one sentence naming the file and what to do. */
export class StoreError extends Error {
  override name = 'StoreError';
}
