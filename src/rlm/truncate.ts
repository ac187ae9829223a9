// Keeps printed output within what the root model may see: head and tail, with a note of what was cut.

export function truncateMiddle(text: string, maxChars: number, hint = 'print less, or keep results in variables and print summaries'): string {
  if (text.length <= maxChars) return text;
  const cut = text.length - maxChars;
  const head = Math.ceil(maxChars * 0.6);
  const tail = maxChars - head;
  return `${text.slice(0, head)}\n\n[... ${cut.toLocaleString('en-US')} characters cut (${text.length.toLocaleString('en-US')} in all): ${hint} ...]\n\n${text.slice(text.length - tail)}`;
}

/** Cuts a string for a trajectory or a log line, keeping the start. */
export function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}… [${text.length - maxChars} more characters]`;
}
