// Keeps printed output within what the root model may see: head and tail, with a note of what was cut.

const DEFAULT_HINT = 'print less, or keep results in variables and print summaries';
/** A cut moves to a line break when one is this close, so numbered lines are kept or cut whole. */
const SNAP_CHARS = 200;

export function truncateMiddle(text: string, maxChars: number, hint = DEFAULT_HINT): string {
  if (text.length <= maxChars) return text;
  return truncateMiddleMapped(text, maxChars, (s) => s, hint);
}

/**
 * Shares a turn's output cap among its blocks by what they printed: small outputs are kept whole, and what they
 * leave goes to the big ones (one 8k block beside three small ones keeps its 8k under a 12k cap).
 */
export function shareOutputCap(lengths: number[], cap: number): number[] {
  const shares = lengths.map(() => 0);
  let left = cap;
  const order = lengths.map((n, i) => ({ n, i })).sort((a, b) => a.n - b.n);
  order.forEach(({ n, i }, k) => {
    const fair = Math.floor(left / (order.length - k));
    shares[i] = Math.min(n, fair);
    left -= shares[i];
  });
  return shares;
}

/** "lines 40-90" when the removed text is numbered output ("40| ..."), else nothing. */
function removedLines(removed: string): string | undefined {
  const numbers = [...removed.matchAll(/^\s*(\d+)\| /gm)].map((m) => Number(m[1]));
  if (numbers.length === 0) return undefined;
  const first = numbers[0];
  const last = numbers[numbers.length - 1];
  return last > first ? `lines ${first}-${last}` : `line ${first}${numbers.length > 1 ? ' and others' : ''}`;
}

/**
 * truncateMiddle with `map` applied to the head and tail it keeps (each taken with `margin` characters to spare, so
 * what map looks for is seen whole even across the cut), without running map over the middle that is dropped.
 * The note names what was cut: numbered lines when the text is numbered, characters otherwise.
 */
export function truncateMiddleMapped(text: string, maxChars: number, map: (s: string) => string, hint = DEFAULT_HINT, margin = 0): string {
  if (text.length <= maxChars + 2 * margin) {
    const mapped = map(text);
    return mapped.length <= maxChars ? mapped : truncateMiddleMapped(mapped, maxChars, (s) => s, hint);
  }
  let head = Math.ceil(maxChars * 0.6);
  let tailStart = text.length - (maxChars - head);
  const headBreak = text.lastIndexOf('\n', head - 1);
  if (headBreak >= 0 && head - headBreak <= SNAP_CHARS) head = headBreak + 1;
  const tailBreak = text.indexOf('\n', tailStart);
  if (tailBreak >= 0 && tailBreak - tailStart < SNAP_CHARS && tailBreak + 1 < text.length) tailStart = tailBreak + 1;
  const tail = text.length - tailStart;
  const kept = map(text.slice(0, head + margin)).slice(0, head);
  const end = map(text.slice(tailStart - margin));
  const cut = tailStart - head;
  const lines = removedLines(text.slice(head, tailStart));
  const what = `${lines ? `${lines}, ` : ''}${cut.toLocaleString('en-US')} characters cut (${text.length.toLocaleString('en-US')} in all)`;
  return `${kept}\n[... ${what}: ${hint} ...]\n${end.slice(end.length - tail)}`;
}

/** Cuts a string for a trajectory or a log line, keeping the start. */
export function clip(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}… [${text.length - maxChars} more characters]`;
}
