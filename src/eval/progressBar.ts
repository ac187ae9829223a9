// The stderr progress bar of `rlm eval`: items done/total, ETA, running score per method, tokens and $ so far.
// cli-progress (maintained, 25M weekly downloads) draws it: it handles redraws, terminal width, ETA smoothing and
// non-TTY output (a plain line every few seconds instead of control codes) that a hand-written bar would get wrong.
import { SingleBar } from 'cli-progress';
import { CORRECT_AT, type Method, type ResultLine } from './types';

export interface EvalProgress {
  start(total: number, previous: ResultLine[]): void;
  add(line: ResultLine): void;
  stop(): void;
}

export function evalProgress(methods: Method[], stream: NodeJS.WriteStream = process.stderr): EvalProgress {
  const bar = new SingleBar({
    stream,
    format: 'eval [{bar}] {value}/{total} | ETA {eta_formatted} | {scores} | {tokens} tokens | {cost}',
    barsize: 24,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
    etaBuffer: 20,
    clearOnComplete: false,
  });
  const rows: ResultLine[] = [];
  const payload = () => {
    const scores = methods.map((m) => {
      const r = rows.filter((x) => x.method === m);
      return `${m} ${r.length ? Math.round((100 * r.filter((x) => x.score >= CORRECT_AT).length) / r.length) : 0}%`;
    }).join(' ');
    const tokens = rows.reduce((n, r) => n + r.inputTokens + r.outputTokens, 0);
    const cost = rows.some((r) => r.costUsd === null) ? '$ n/a' : `$${rows.reduce((n, r) => n + (r.costUsd ?? 0), 0).toFixed(4)}`;
    return { scores, tokens: tokens >= 1e6 ? `${(tokens / 1e6).toFixed(2)}M` : `${(tokens / 1e3).toFixed(1)}k`, cost };
  };
  return {
    start(total, previous) {
      rows.push(...previous);
      bar.start(total, 0, payload());
    },
    add(line) {
      rows.push(line);
      bar.increment(1, payload());
    },
    stop() {
      bar.stop();
    },
  };
}
