// Writes trajectory events to a JSONL file as they happen, so a crash or a kill loses nothing already seen.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TrajectoryEvent } from './events';

export class JsonlTrajectoryWriter {
  private fd: number | undefined;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
  }

  /** Pass as RunOptions.onEvent. Synchronous on purpose: each line is on disk before the run moves on. */
  readonly write = (event: TrajectoryEvent): void => {
    if (this.fd === undefined) return;
    writeSync(this.fd, JSON.stringify(event) + '\n');
  };

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
