// Runs the built CLI (dist/cli.js) as a user does: a child process with a clean environment and its own cache.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest, type ScriptedServer } from './scriptedModelServer';

export const CLI = join(__dirname, '../../dist/cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; `done` resolves when it has exited. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'rlm-cache-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}, onSpawn?: (kill: (sig: NodeJS.Signals) => void) => void): Promise<CliRun> {
  const { child, done } = startCli(args, env);
  onSpawn?.((sig) => child.kill(sig));
  return done;
}

export async function withServer<T>(reply: (req: ScriptedRequest) => ScriptedReply, fn: (s: ScriptedServer) => Promise<T>): Promise<T> {
  const server = await startScriptedServer({ reply });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}
