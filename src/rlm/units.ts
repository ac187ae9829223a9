// Sizes as people read them, for the prompt and the progress lines alike.

/** 512 -> "512 B", 2048 -> "2.0 KB", 5.5 MiB -> "5.5 MB", 2 GiB -> "2.00 GB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
