/** Largest log Trainyard uploads to a thread; bigger logs keep their start and their end. */
export const MAX_UPLOAD_CHARS = 1_000_000;

/**
 * A log that fits the upload limit: whole if small enough, else its first fifth and last
 * four fifths around a line saying how much was cut (the end of a log explains a failure).
 */
export function headAndTail(content: string, max = MAX_UPLOAD_CHARS): string {
  if (content.length <= max) return content;
  const head = Math.floor(max / 5);
  const tail = max - head;
  const cut = content.length - head - tail;
  return `${content.slice(0, head)}\n\n… ${cut} characters cut from the middle of this log …\n\n${content.slice(-tail)}`;
}
