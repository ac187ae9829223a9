// Splits a byte stream into lines (ripgrep's --json output) in O(n), deciding from the first bytes of each
// line whether to keep it. Lines that are not kept are never buffered or decoded: a pattern that matches
// inside minified files makes rg print megabyte-long lines, and most of them only need counting.

/** Bytes of a line's head given to `decide` (enough for '{"type":"context"'). */
export const HEAD_BYTES = 24;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** undefined: not decided yet for the current line. */
  private keep: boolean | undefined;
  private halted = false;

  constructor(
    /** Called once per line with its first bytes (all of it when shorter); true to receive the whole line. */
    private readonly decide: (head: Buffer) => boolean,
    private readonly onLine: (line: Buffer) => void,
  ) {}

  /** Stops all further processing (the consumer has seen enough). */
  halt(): void {
    this.halted = true;
    this.pending = [];
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (!this.halted && pos <= chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (this.keep !== false && end > pos) {
        this.pending.push(chunk.subarray(pos, end));
        this.pendingLen += end - pos;
      }
      if (this.keep === undefined && (this.pendingLen >= HEAD_BYTES || nl >= 0)) {
        const head = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
        this.keep = this.decide(head.subarray(0, HEAD_BYTES));
        if (!this.keep) this.pending = [];
      }
      if (nl < 0) return;
      if (this.keep && !this.halted) {
        this.onLine(this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLen));
      }
      this.pending = [];
      this.pendingLen = 0;
      this.keep = undefined;
      pos = nl + 1;
    }
  }

  /** Flushes a last line without a newline. */
  end(): void {
    if (this.halted || (this.pendingLen === 0 && this.keep === undefined)) return;
    this.push(Buffer.from('\n'));
  }
}
