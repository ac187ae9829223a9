// Ctrl-C (SIGINT) and SIGTERM cancel the run in progress: the engine stops its model requests and searches and
// writes run_end, then the command exits 130 (SIGINT) or 143 (SIGTERM), as shells expect of a signalled process.
// A second signal, or a run that does not stop within FORCE_AFTER_MS, exits at once (child processes are still
// killed: see workspace/childProcesses.ts).

/** 128 + the signal's number. */
export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };
const FORCE_AFTER_MS = 15_000;

export interface Interrupt {
  signal: AbortSignal;
  /** The signal received, if any: the command's exit status is then SIGNAL_EXIT[received]. */
  readonly received: 'SIGINT' | 'SIGTERM' | undefined;
  /** Called just before a forced exit (e.g. to write run_end). */
  beforeForcedExit?: () => void;
  dispose(): void;
}

export function onInterrupt(write = (s: string) => process.stderr.write(s)): Interrupt {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  const interrupt: Interrupt = {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose: () => {
      clearTimeout(forceTimer);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
  const forceExit = (code: number) => {
    try {
      interrupt.beforeForcedExit?.();
    } finally {
      process.exit(code);
    }
  };
  const on = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (received) return forceExit(SIGNAL_EXIT[received]);
    received = name;
    write(name === 'SIGINT' ? '\n[rlm] cancelling… (Ctrl-C again to quit at once)\n' : '\n[rlm] terminating…\n');
    controller.abort();
    forceTimer = setTimeout(() => forceExit(SIGNAL_EXIT[name]), FORCE_AFTER_MS);
    forceTimer.unref();
  };
  const onSigint = on('SIGINT');
  const onSigterm = on('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return interrupt;
}
