// Every child process the workspace starts (ripgrep) is known by pid, so none outlives its run: searches are
// killed when their run or block ends, a sandbox worker's leftovers are killed by the host when the worker ends
// (a terminated worker thread cannot clean up after itself; the worker keeps its pids in shared memory for that),
// and whatever is left when the process exits is killed then (Ctrl-C, SIGTERM, the extension host shutting down).
import type { ChildProcess } from 'node:child_process';
import { isMainThread } from 'node:worker_threads';

const live = new Set<number>();
/** Set in a worker thread: tells the host about each pid as it starts and ends. */
let forward: ((pid: number, alive: boolean) => void) | undefined;
/** Other threads' running children (sandbox workers), as their hosts see them. */
const sources = new Set<() => number[]>();

/** In a worker thread: report the pids this thread starts and reaps to its host. */
export function forwardChildPids(fn: (pid: number, alive: boolean) => void): void {
  forward = fn;
}

function track(pid: number, alive: boolean): void {
  if (alive) live.add(pid);
  else live.delete(pid);
  forward?.(pid, alive);
}

/** Tracks a just-spawned child's pid until it has exited: `trackChild(spawn(...))`. */
export function trackChild<T extends ChildProcess>(child: T): T {
  const pid = child.pid;
  if (pid !== undefined) {
    track(pid, true);
    child.once('exit', () => track(pid, false));
  }
  return child;
}

/** The host side: counts another thread's running children in killChildren(); returns the way to stop. */
export function watchChildren(pids: () => number[]): () => void {
  sources.add(pids);
  return () => sources.delete(pids);
}

/** Kills the given pids (default: every tracked one, in every thread) at once; a pid already gone is ignored. */
export function killChildren(pids?: Iterable<number>): void {
  for (const pid of pids ? [...pids] : liveChildren()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ESRCH: it has exited already.
    }
    live.delete(pid);
  }
}

/** Pids started and not yet reaped, in this thread and the workers it watches (for tests and diagnostics). */
export function liveChildren(): number[] {
  return [...new Set([...live, ...[...sources].flatMap((s) => s())])];
}

// The last line of defence in the main thread: an exiting process takes its searches with it.
if (isMainThread) process.once('exit', () => killChildren());
