// Keeps printed output within what the root model may see: head and tail, with a note of what was cut.

const DEFAULT_HINT = 'print less, or keep results in variables and print summaries';

export function truncateMiddle(text: string, maxChars: number, hint = DEFAULT_HINT): string {
  if (text.length <= maxChars) return text;
  return truncateMiddleMapped(text, maxChars, (s) => s, hint);
}

/**
 * truncateMiddle with `map` applied to the head and tail it keeps (each taken with `margin` characters to spare, so
 * what map looks for is seen whole even across the cut), without running map over the middle that is dropped.
 */
export function truncateMiddleMapped(text: string, maxChars: number, map: (s: string) => string, hint = DEFAULT_HINT, margin = 0): string {
  if (text.length <= maxChars + 2 * margin) {
    const mapped = map(text);
    return mapped.length <= maxChars ? mapped : truncateMiddleMapped(mapped, maxChars, (s) => s, hint);
  }
  const head = Math.ceil(maxChars * 0.6);
  const tail = maxChars - head;
  const kept = map(text.slice(0, head + margin)).slice(0, head);
  const end = map(text.slice(text.length - tail - margin));
  const cut = text.length - maxChars;
  return `${kept}\n\n[... ${cut.toLocaleString('en-US')} characters cut (${text.length.toLocaleString('en-US')} in all): ${hint} ...]\n\n${end.slice(end.length - tail)}`;
}

/** Cuts a string for a trajectory or a log line, keeping the start. */
export function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}… [${text.length - maxChars} more characters]`;
}
