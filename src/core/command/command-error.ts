/** A mistake in the command; thrown from deep inside the grammar and turned into a ParseResult by parseCommand. */
export class CommandError extends Error {}
