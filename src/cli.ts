// The engine headless: `rlm ask [options] "question"` for scripts, benchmarks and CI.
import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { runRlm } from './rlm/engine';
import type { TrajectoryEvent } from './rlm/events';
import { createClient, detectDefaultProvider, checkReachable, DEFAULT_MODELS, type Provider } from './rlm/models/createClient';
import { JsonlTrajectoryWriter } from './rlm/trajectoryFile';
import { toOfficialLog } from './rlm/trajectoryFormats';
import { DEFAULT_LIMITS, type RlmLimits } from './rlm/types';
import type { WorkspaceRoot } from './workspace/types';

const USAGE = `Usage: rlm ask [options] "question"

Answers a question about a folder of code with a Recursive Language Model.

Options:
  --dir DIR              folder to ask about (repeat for several; default: current folder)
  --provider NAME        openai | ollama (default: openai when OPENAI_API_KEY is set, else ollama)
  --model NAME           root model (default: $RLM_MODEL, gpt-4.1-mini for openai, the first installed for ollama)
  --sub-model NAME       model for sub-calls and child runs (default: $RLM_SUB_MODEL or the root model)
  --base-url URL         OpenAI-compatible endpoint (…/v1; default $OPENAI_BASE_URL) or Ollama host (default $OLLAMA_HOST or http://127.0.0.1:11434)
  --max-iterations N     root turns (default ${DEFAULT_LIMITS.maxIterations})
  --max-depth N          rlm_query nesting (default ${DEFAULT_LIMITS.maxDepth})
  --max-sub-calls N      sub-calls for the whole run (default ${DEFAULT_LIMITS.maxSubCalls})
  --concurrency N        sub-calls in flight (default ${DEFAULT_LIMITS.concurrency})
  --timeout SECONDS      whole-run time limit (default ${DEFAULT_LIMITS.timeoutMs / 1000})
  --max-input-tokens N   input-token budget (default ${DEFAULT_LIMITS.maxInputTokens})
  --max-output-tokens N  output-token budget (default ${DEFAULT_LIMITS.maxOutputTokens})
  --block-timeout SECONDS  time per code block (default ${DEFAULT_LIMITS.blockTimeoutMs / 1000})
  --request-timeout SECONDS  time per model request (default 120)
  --exclude GLOB         leave matching files out (repeatable)
  --include-secrets      include secret-looking files (.env, *.pem, id_rsa …), excluded by default
  --max-file-bytes N     skip larger files (default 2 MiB)
  --cache-dir DIR        symbol-index cache (default ~/.cache/rlm)
  --json                 print one JSON object with the answer and run facts
  --trajectory FILE      write the run's events as JSONL, line by line as they happen
  --trajectory-format F  jsonl (ours, default) | rlm (the official rlm project's log format, written at the end)
  --quiet                no progress on stderr
  -h, --help             this text

The API key comes from OPENAI_API_KEY (never from a flag, so it stays out of shell history and process lists).`;

class UsageError extends Error {}

interface CliArgs {
  question: string;
  dirs: string[];
  provider?: Provider;
  model?: string;
  subModel?: string;
  baseUrl?: string;
  limits: Partial<RlmLimits>;
  requestTimeoutMs?: number;
  exclude: string[];
  includeSecrets: boolean;
  maxFileBytes?: number;
  cacheDir?: string;
  json: boolean;
  trajectory?: string;
  trajectoryFormat: 'jsonl' | 'rlm';
  quiet: boolean;
}

export function parseArgs(argv: string[]): CliArgs | 'help' {
  const args: CliArgs = { question: '', dirs: [], limits: {}, exclude: [], includeSecrets: false, json: false, quiet: false, trajectoryFormat: 'jsonl' };
  const words: string[] = [];
  const num = (flag: string, v: string | undefined, min = 1): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new UsageError(`${flag} needs a number ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h': case '--help': return 'help';
      case '--dir': args.dirs.push(value()); break;
      case '--provider': {
        const v = value();
        if (v !== 'openai' && v !== 'ollama') throw new UsageError(`--provider must be openai or ollama (got ${v})`);
        args.provider = v;
        break;
      }
      case '--model': args.model = value(); break;
      case '--sub-model': args.subModel = value(); break;
      case '--base-url': args.baseUrl = value(); break;
      case '--max-iterations': args.limits.maxIterations = num(flag, value()); break;
      case '--max-depth': args.limits.maxDepth = num(flag, value(), 0); break;
      case '--max-sub-calls': args.limits.maxSubCalls = num(flag, value(), 0); break;
      case '--concurrency': args.limits.concurrency = num(flag, value()); break;
      case '--timeout': args.limits.timeoutMs = num(flag, value()) * 1000; break;
      case '--max-input-tokens': args.limits.maxInputTokens = num(flag, value()); break;
      case '--max-output-tokens': args.limits.maxOutputTokens = num(flag, value()); break;
      case '--block-timeout': args.limits.blockTimeoutMs = num(flag, value()) * 1000; break;
      case '--request-timeout': args.requestTimeoutMs = num(flag, value()) * 1000; break;
      case '--exclude': args.exclude.push(value()); break;
      case '--include-secrets': args.includeSecrets = true; break;
      case '--max-file-bytes': args.maxFileBytes = num(flag, value()); break;
      case '--cache-dir': args.cacheDir = value(); break;
      case '--json': args.json = true; break;
      case '--trajectory': args.trajectory = value(); break;
      case '--trajectory-format': {
        const v = value();
        if (v !== 'jsonl' && v !== 'rlm') throw new UsageError(`--trajectory-format must be jsonl or rlm (got ${v})`);
        args.trajectoryFormat = v;
        break;
      }
      case '--quiet': case '-q': args.quiet = true; break;
      case '--api-key': throw new UsageError('pass the API key in the OPENAI_API_KEY environment variable, not as a flag');
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        words.push(a);
    }
  }
  if (words[0] !== 'ask') throw new UsageError(words.length ? `unknown command "${words[0]}" (the command is "ask")` : 'missing command: rlm ask "question"');
  args.question = words.slice(1).join(' ').trim();
  if (!args.question) throw new UsageError('missing question: rlm ask "question"');
  return args;
}

function roots(dirs: string[]): WorkspaceRoot[] {
  const list = dirs.length ? dirs : [process.cwd()];
  const used = new Set<string>();
  return list.map((d) => {
    const abs = path.resolve(d);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`not a folder: ${d}`);
    let name = path.basename(abs) || 'root';
    for (let n = 2; used.has(name); n++) name = `${path.basename(abs)}-${n}`;
    used.add(name);
    return { name, path: abs };
  });
}

function progressPrinter(quiet: boolean, maxIterations: number): (e: TrajectoryEvent) => void {
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
      process.stderr.write(`${indent}[rlm] ${e.runId === 'r0' ? 'turn' : `child ${e.runId} turn`} ${e.iteration}/${maxIterations} · ${subCalls} sub-calls · ${k(inTok)} in / ${k(outTok)} out tokens\n`);
    } else if (e.type === 'code' && e.error) {
      process.stderr.write(`${indent}[rlm]   code error: ${e.error.split('\n')[0].slice(0, 160)}\n`);
    } else if (e.type === 'run_start' && e.depth > 0) {
      process.stderr.write(`[rlm]   child run ${e.runId} (depth ${e.depth}): ${e.question.slice(0, 80).replace(/\s+/g, ' ')}\n`);
    }
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`rlm: ${(e as Error).message}\nRun "rlm --help" for usage.\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\n[rlm] cancelling… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);

  let writer: JsonlTrajectoryWriter | undefined;
  try {
    const workspaceRoots = roots(args.dirs);
    const detected = detectDefaultProvider(process.env);
    const provider = args.provider ?? detected.provider;
    const baseUrl = args.baseUrl ?? (provider === detected.provider ? detected.baseUrl : provider === 'ollama' ? process.env.OLLAMA_HOST : process.env.OPENAI_BASE_URL);
    const apiKey = provider === 'openai' ? process.env.OPENAI_API_KEY?.trim() : undefined;
    if (provider === 'openai' && !apiKey) {
      throw new UsageError('no API key: set OPENAI_API_KEY (for a local OpenAI-compatible server any value works), or use --provider ollama');
    }
    const model = args.model ?? (process.env.RLM_MODEL?.trim() || DEFAULT_MODELS[provider]);
    const timeoutMs = args.requestTimeoutMs;
    const root = createClient({ provider, model, baseUrl, apiKey, timeoutMs, stream: true });
    await checkReachable(root, { signal: controller.signal });
    const subName = args.subModel ?? process.env.RLM_SUB_MODEL?.trim();
    const sub = subName && subName !== model ? createClient({ provider, model: subName, baseUrl, apiKey, timeoutMs, stream: false }) : undefined;

    const limits = { ...DEFAULT_LIMITS, ...args.limits };
    // Our JSONL is written as events happen; the official format is one log per run, written at the end.
    const official = args.trajectoryFormat === 'rlm' && args.trajectory ? path.resolve(args.trajectory) : undefined;
    writer = args.trajectory && !official ? new JsonlTrajectoryWriter(path.resolve(args.trajectory)) : undefined;
    const collected: TrajectoryEvent[] = [];
    const progress = progressPrinter(args.quiet, limits.maxIterations);
    const result = await runRlm({
      question: args.question,
      workspace: {
        roots: workspaceRoots,
        options: {
          exclude: args.exclude,
          includeSecrets: args.includeSecrets,
          maxFileBytes: args.maxFileBytes,
          cacheDir: args.cacheDir ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'rlm'),
        },
      },
      model: root,
      subModel: sub,
      limits: args.limits,
      signal: controller.signal,
      onEvent: (e) => {
        writer?.write(e);
        if (official) collected.push(e);
        progress(e);
      },
    });

    if (official) writeFileSync(official, toOfficialLog(collected));
    if (args.json) {
      process.stdout.write(JSON.stringify({ ...result }, null, 2) + '\n');
    } else if (result.answer) {
      process.stdout.write(result.answer.trimEnd() + '\n');
    }
    if (result.stopReason !== 'final' && !args.quiet) {
      process.stderr.write(`[rlm] stopped: ${result.stopReason}${result.detail ? ` (${result.detail})` : ''}\n`);
    }
    if (!args.quiet) {
      process.stderr.write(`[rlm] ${result.iterations} turns · ${result.subCalls} sub-calls · ${result.usage.inputTokens} in / ${result.usage.outputTokens} out tokens · ${(result.durationMs / 1000).toFixed(1)} s\n`);
    }
    if (!result.answer) {
      process.stderr.write(`rlm: no answer (${result.stopReason}${result.detail ? `: ${result.detail}` : ''})\n`);
      return 1;
    }
    return 0;
  } catch (e) {
    const message = (e as Error).message?.split('\n')[0] ?? String(e);
    process.stderr.write(`rlm: ${message}\n`);
    return e instanceof UsageError ? 2 : 1;
  } finally {
    writer?.close();
    process.off('SIGINT', onSigint);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`rlm: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
