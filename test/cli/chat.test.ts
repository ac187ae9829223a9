// `rlm chat` as a user runs it: the built CLI in a child process, questions piped on stdin, the scripted server.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScriptedReply, ScriptedRequest } from '../support/scriptedModelServer';
import { CLI, withServer } from '../support/cliRun';
import { js, makeProject, SAMPLE_PROJECT, ROOT_MODEL, turnOf, lastUser } from '../support/rlmScript';
import { parseTrajectory } from '../../src/rlm/trajectoryFormats';

let dir: string;
before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
  dir = makeProject(SAMPLE_PROJECT);
});

/** Runs `rlm chat` with `input` on its stdin (a pipe, not a terminal). */
function chat(args: string[], input: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'chat', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'rlm-cache-')), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const questionOf = (req: ScriptedRequest) => /^Question: (.*)$/m.exec(req.messages[1]?.content ?? '')?.[1] ?? '';

/** Question 1 keeps its finding in `def`; question 2 answers from `def` (a ReferenceError if the sandbox were new). */
function reply(req: ScriptedRequest): ScriptedReply {
  if (questionOf(req).startsWith('Where')) {
    return turnOf(req) === 1
      ? js(`const def = (await context.grep('export function createCart'))[0];\nprint(def.path, def.line);`)
      : js("FINAL('createCart is defined at ' + def.path + ':' + def.line + '.');");
  }
  return js("FINAL('It is still ' + def.path + ':' + def.line + ', and it returns an empty cart.');");
}

test('rlm chat, piped: two questions give two JSON objects with turn 1 and 2, the second in the same sandbox', async () => {
  await withServer(reply, async (server) => {
    const trajectory = join(mkdtempSync(join(tmpdir(), 'rlm-chat-')), 'session.jsonl');
    const r = await chat(['--json', '--dir', dir, '--model', ROOT_MODEL, '--trajectory', trajectory], 'Where is createCart defined?\n\nWhat does it return?\n/cost\n', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    const [one, two] = lines.map((l) => JSON.parse(l));
    assert.equal(one.turn, 1);
    assert.equal(two.turn, 2);
    assert.equal(one.answer, 'createCart is defined at src/cart.ts:3.');
    assert.equal(two.answer, 'It is still src/cart.ts:3, and it returns an empty cart.');
    for (const key of ['answer', 'stopReason', 'iterations', 'subCalls', 'depth', 'usage', 'citations', 'durationMs', 'costUsd']) assert.ok(key in two, `--json has ${key}`);
    assert.deepEqual(two.citations, [{ path: 'src/cart.ts', line: 3, valid: true }]);
    // The second question's first message carries the first answer and the variable.
    const second = server.requests.find((q) => questionOf(q).startsWith('What'));
    assert.match(second?.messages[1].content ?? '', /createCart is defined at src\/cart\.ts:3\./);
    assert.match(second?.messages[1].content ?? '', /- def: object, \d+ keys/);
    // Footers per answer on stderr, and /cost sums the session.
    assert.match(r.stderr, /\[rlm\] 2 turns · 0 sub-calls · [\d.]+k? in \/ [\d.]+k? out tokens · [\d.]+ m?s\n[\s\S]*\[rlm\] 1 turn · 0 sub-calls/);
    assert.match(r.stderr, /\[rlm\] session: 2 questions · 3 turns · 0 sub-calls/);
    // --trajectory: both runs, namespaced per question, one file.
    const events = parseTrajectory(readFileSync(trajectory, 'utf8')).events;
    assert.deepEqual(events.filter((e) => e.type === 'run_start').map((e) => e.runId), ['q1:r0', 'q2:r0']);
    assert.deepEqual(events.filter((e) => e.type === 'final').map((e) => e.runId), ['q1:r0', 'q2:r0']);
  });
});

test('rlm chat, piped: /new starts a fresh session (turn 1 again, the variable is gone), /trajectory writes the runs', async () => {
  await withServer(reply, async (server) => {
    const file = join(mkdtempSync(join(tmpdir(), 'rlm-chat-')), 'written.jsonl');
    const r = await chat(['--json', '--quiet', '--dir', dir, '--model', ROOT_MODEL], `Where is createCart defined?\n/trajectory ${file}\n/new\nWhat does it return?\n`, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.turn), [1, 1]);
    assert.equal(lines[1].answer, '', 'the fresh sandbox has no `def`: no answer');
    assert.equal(r.code, 1, 'a question without an answer makes the exit status 1');
    const afterNew = server.requests.filter((q) => questionOf(q).startsWith('What'));
    assert.doesNotMatch(afterNew[0].messages[1].content, /follow-up/);
    assert.match(lastUser(afterNew[1]), /def is not defined/);
    const written = parseTrajectory(readFileSync(file, 'utf8')).events;
    assert.equal(written.filter((e) => e.type === 'run_start').length, 1);
  });
});
