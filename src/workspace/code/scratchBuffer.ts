// One reused buffer for the index build's per-file byte work (reading a file, hashing its text). A fresh
// allocation per file was freed at once, yet over a 60k-file build the allocator kept tens of MB of them resident
// (peak RSS of a bare build: 322 -> 275-293 MB once reads and hashes went through a reused buffer).

/** Larger needs allocate for themselves: one huge file must not stay in memory for the rest of the session. */
export const SCRATCH_MAX_BYTES = 4 * 1024 * 1024;

let scratch = Buffer.alloc(0);

/**
 * A buffer of at least `bytes` (at most SCRATCH_MAX_BYTES), shared by every caller: its contents are the caller's
 * until the next call. Growing keeps the first `keep` bytes.
 */
export function scratchBuffer(bytes: number, keep = 0): Buffer {
  if (bytes > SCRATCH_MAX_BYTES) throw new RangeError(`scratchBuffer: ${bytes} bytes is over ${SCRATCH_MAX_BYTES}`);
  if (bytes > scratch.length) {
    const grown = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX_BYTES, Math.max(64 * 1024, bytes, scratch.length * 2)));
    scratch.copy(grown, 0, 0, keep);
    scratch = grown;
  }
  return scratch;
}
