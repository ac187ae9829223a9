// Ctrl-C cancels the run in progress (a second Ctrl-C quits at once, exit 130).
export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

export function onInterrupt(write = (s: string) => process.stderr.write(s)): Interrupt {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    write('\n[rlm] cancelling… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
