// `rlm eval`: runs datasets of questions with known answers through one or more methods (rlm, direct, rlm-no-sub)
// and writes results.jsonl, summary.json, report.md, chart.svg and each run's trajectory under --out.
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { Scheduler } from '../rlm/scheduler';
import { DEFAULT_LIMITS } from '../rlm/types';
import { loadDatasets } from '../eval/dataset';
import { evalProgress } from '../eval/progressBar';
import { chartSvg, reportMarkdown } from '../eval/report';
import { runEval } from '../eval/runner';
import { summarize, summaryTable, tagTable } from '../eval/summary';
import { METHODS, type Method } from '../eval/types';
import { WorkspaceCache } from '../eval/workspaces';
import { addLimitOptions, addModelOptions, addWorkspaceOptions, limitsFrom, numberArg, type RunOptions } from './options';
import { checkPriced, modelClients, priceTable, workspaceSpec } from './runSetup';
import { onInterrupt, SIGNAL_EXIT } from './interrupt';
import { UsageError } from './usageError';

interface EvalOptions extends RunOptions {
  dataset?: string[];
  methods: string;
  out?: string;
  json?: boolean;
  limit?: number;
  parallel: number;
  resume?: boolean;
  ids?: string;
  contextTokens: number;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function evalCommand(exit: (code: number) => void): Command {
  const cmd = new Command('eval')
    .summary('measure answer quality on datasets of questions with known answers')
    .description('Runs datasets of questions about real repositories through rlm and its baselines, scores every answer, and writes results.jsonl, summary.json, report.md and chart.svg.')
    .option('--dataset <spec>', 'a JSONL file, a built-in set by name (npm-code-qa), or longbench-v2:FILE (LongBench-v2 data.json, Code Repository Understanding only); repeatable', collect)
    .option('--methods <list>', `comma-separated: ${METHODS.join(', ')}`, 'rlm')
    .option('--out <dir>', 'output folder (default rlm-eval/<timestamp>)')
    .option('--json', 'print summary.json on stdout')
    .option('--limit <n>', 'only the first n items', numberArg('--limit', 1))
    .option('--parallel <n>', 'items run at once (sub-calls still share one --concurrency limit)', numberArg('--parallel', 1), 1)
    .option('--resume', 'skip items already in <out>/results.jsonl (items that failed run again)')
    .option('--ids <list>', 'only these item ids (comma-separated)')
    .option('--context-tokens <n>', 'context budget of the direct method, tokens; the rest is cut and the prompt says so', numberArg('--context-tokens', 1000), 128_000)
    .addOption(new Option('-q, --quiet', 'no progress bar'));
  addModelOptions(cmd);
  addLimitOptions(cmd);
  addWorkspaceOptions(cmd, { dir: false });
  return cmd.action(async (opts: EvalOptions) => exit(await evaluate(opts)));
}

function parseMethods(list: string): Method[] {
  const methods = [...new Set(list.split(',').map((m) => m.trim()).filter(Boolean))];
  const bad = methods.filter((m) => !(METHODS as readonly string[]).includes(m));
  if (bad.length || !methods.length) throw new UsageError(`--methods: unknown method ${bad.join(', ') || '(none)'} (choose from ${METHODS.join(', ')})`);
  return methods as Method[];
}

async function evaluate(opts: EvalOptions): Promise<number> {
  if (!opts.dataset?.length) throw new UsageError('missing --dataset: a JSONL file, a built-in set (npm-code-qa), or longbench-v2:FILE');
  const methods = parseMethods(opts.methods);
  const base = workspaceSpec(opts, []);
  const cacheDir = path.join(base.options?.cacheDir ?? path.join(os.homedir(), '.cache', 'rlm'), 'eval');
  const loaded = await loadDatasets(opts.dataset, cacheDir).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  for (const p of loaded.problems) process.stderr.write(`rlm eval: ${p}\n`);
  let items = loaded.items;
  if (opts.ids) {
    const ids = new Set(opts.ids.split(',').map((s) => s.trim()));
    const unknown = [...ids].filter((id) => !items.some((i) => i.id === id));
    if (unknown.length) throw new UsageError(`--ids: no item ${unknown.join(', ')} in the dataset(s)`);
    items = items.filter((i) => ids.has(i.id));
  }
  if (opts.limit) items = items.slice(0, opts.limit);
  if (!items.length) throw new UsageError('no items to run (every dataset line was skipped, or --ids/--limit left none)');

  const outDir = path.resolve(opts.out ?? path.join('rlm-eval', new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '')));
  const interrupt = onInterrupt();
  const progress = opts.quiet ? undefined : evalProgress(methods);
  try {
    const prices = priceTable(opts.prices);
    const limits = limitsFrom(opts);
    const models = await modelClients(opts, interrupt.signal);
    checkPriced(limits, prices, [models.model, models.subModel ?? models.model]);
    const scheduler = new Scheduler(limits.concurrency ?? DEFAULT_LIMITS.concurrency, interrupt.signal);
    const results = await runEval({
      items,
      methods,
      outDir,
      parallel: opts.parallel,
      resume: opts.resume ?? false,
      cache: new WorkspaceCache(cacheDir),
      workspaceSpec: (root) => ({ ...base, roots: [root] }),
      ctx: { ...models, limits, prices, scheduler, contextTokens: opts.contextTokens, signal: interrupt.signal },
      onStart: (n, previous) => progress?.start(n, previous),
      onResult: (line) => progress?.add(line),
    }).catch((e: Error) => {
      throw /already has results/.test(e.message) ? new UsageError(e.message) : e;
    });
    progress?.stop();
    const summary = summarize(results, items.length, methods);
    writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    const meta = { datasets: opts.dataset, model: models.model.model, subModel: models.subModel?.model, date: new Date().toISOString(), problems: loaded.problems };
    writeFileSync(path.join(outDir, 'report.md'), reportMarkdown(summary, results, meta));
    writeFileSync(path.join(outDir, 'chart.svg'), chartSvg(summary));
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else process.stdout.write(`${summaryTable(summary)}\n\n${tagTable(summary)}\n\nreport: ${path.join(outDir, 'report.md')}\n`);
    if (interrupt.received) {
      process.stderr.write(`rlm eval: interrupted; ${results.length} results kept in ${outDir} (continue with --resume --out ${outDir})\n`);
      return SIGNAL_EXIT[interrupt.received];
    }
    return 0;
  } finally {
    progress?.stop();
    interrupt.dispose();
  }
}
