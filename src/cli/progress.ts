// Progress on stderr while a run goes on.
import type { TrajectoryEvent } from '../rlm/events';

export function progressPrinter(quiet: boolean, maxIterations: number, write = (s: string) => process.stderr.write(s)): (e: TrajectoryEvent) => void {
  let subCalls = 0;
  let inTok = 0;
  let outTok = 0;
  const k = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));
  return (e) => {
    if (e.type === 'subcall' && !e.cached) subCalls++;
    if (e.type === 'iteration' || e.type === 'subcall') {
      inTok += e.usage.inputTokens;
      outTok += e.usage.outputTokens;
    }
    if (quiet) return;
    const indent = e.type === 'iteration' && e.runId !== 'r0' ? '  ' : '';
    if (e.type === 'iteration') {
      write(`${indent}[rlm] ${e.runId === 'r0' ? 'turn' : `child ${e.runId} turn`} ${e.iteration}/${maxIterations} · ${subCalls} sub-calls · ${k(inTok)} in / ${k(outTok)} out tokens\n`);
    } else if (e.type === 'code' && e.error) {
      write(`${indent}[rlm]   code error: ${e.error.split('\n')[0].slice(0, 160)}\n`);
    } else if (e.type === 'run_start' && e.depth > 0) {
      write(`[rlm]   child run ${e.runId} (depth ${e.depth}): ${e.question.slice(0, 80).replace(/\s+/g, ' ')}\n`);
    }
  };
}
