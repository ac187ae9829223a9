// Hostile conditions through the real CLI (dist/cli.js as a child process) and the scripted model server:
// processes that must not outlive their run, replies that must not be unbounded, secrets that must not reach a
// model, and exit statuses that must tell the truth (issue 13).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli, startCli, withServer } from '../support/cliRun';
import { childPids, commandName, isRunning } from '../support/processTable';
import { js, isSubCall, isChildRun, makeProject, SAMPLE_PROJECT, turnOf, ROOT_MODEL, lastUser } from '../support/rlmScript';
import type { ScriptedRequest } from '../support/scriptedModelServer';
import { RG_POOL_SIZE } from '../../src/workspace/ripgrep';
import { MAX_ANSWER_CHARS } from '../../src/rlm/types';

const KEY_ENV = (s: { openaiBaseUrl: string }) => ({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: s.openaiBaseUrl });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let dir: string;
let big: string;

before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
  dir = makeProject(SAMPLE_PROJECT);
  // Enough text that each ripgrep runs a few milliseconds: long enough to be caught in the process table.
  const files: Record<string, string> = { ...SAMPLE_PROJECT };
  const line = (i: number) => `row ${i} alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron\n`;
  const text = Array.from({ length: 18_000 }, (_, i) => line(i)).join('');
  for (let f = 0; f < 6; f++) files[`data/part${f}.txt`] = text;
  big = makeProject(files);
});

// ---- 1. No child process outlives its run; greps run through a small pool ----------------------------------

/** Sixteen greps at once, over and over: the pool decides how many ripgrep processes run. */
const GREP_STORM = js(`for (let round = 0; round < 400; round++) {
  await Promise.all(Array.from({ length: 16 }, (_, i) => context.grep('no_such_word_' + round + '_' + i)));
}
print('storm over');`);

/**
 * Watches the CLI's children: each ripgrep that appears is frozen (SIGSTOP), so it can only end by being killed.
 * Resolves once `want` are frozen and nothing more started for a while, with the most ever alive at once.
 */
async function freezeSearches(cliPid: number, want: number): Promise<{ frozen: Set<number>; maxAlive: number }> {
  const frozen = new Set<number>();
  let maxAlive = 0;
  let quietSince = 0;
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const rgs = childPids(cliPid).filter((pid) => commandName(pid) === 'rg' && isRunning(pid));
    maxAlive = Math.max(maxAlive, rgs.length);
    for (const pid of rgs) {
      if (frozen.has(pid)) continue;
      try {
        process.kill(pid, 'SIGSTOP');
        frozen.add(pid);
      } catch {
        // it ended before we got to it
      }
    }
    if (frozen.size >= want) {
      quietSince ||= Date.now();
      if (Date.now() - quietSince > 800) return { frozen, maxAlive };
    }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`only ${frozen.size} ripgrep processes were caught`);
}

const leftovers: number[] = [];
after(() => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal}: every ripgrep the run started ends with it; at most ${RG_POOL_SIZE} ran at once; exit ${status} with run_end written`, { timeout: 120_000 }, async () => {
    await withServer((req) => (turnOf(req) === 1 ? GREP_STORM : js('FINAL("never")')), async (server) => {
      const trajectory = join(mkdtempSync(join(tmpdir(), 'rlm-traj-')), 'run.jsonl');
      const { child, done } = startCli(['ask', '--trajectory', trajectory, '--dir', big, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
      const { frozen, maxAlive } = await freezeSearches(child.pid!, RG_POOL_SIZE);
      leftovers.push(...frozen);
      assert.ok(maxAlive <= RG_POOL_SIZE, `16 greps at once ran ${maxAlive} ripgrep processes (pool: ${RG_POOL_SIZE})`);
      child.kill(signal);
      const r = await done;
      assert.equal(r.code, status, r.stderr);
      assert.match(r.stderr, /no answer \(cancelled/);
      for (const pid of frozen) assert.equal(isRunning(pid), false, `ripgrep ${pid} outlived the run`);
      const events = readFileSync(trajectory, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const last = events[events.length - 1];
      assert.equal(last.type, 'run_end');
      assert.equal(last.stopReason, 'cancelled');
    });
  });
}

test('a code block over its time limit takes its searches with it; the run goes on', { timeout: 120_000 }, async () => {
  let alive: number[] | undefined;
  let frozenAtTurn2: Set<number> | undefined;
  const frozenSoFar = new Set<number>();
  await withServer(
    (req) => {
      if (turnOf(req) === 1) return GREP_STORM;
      // Turn 2 is asked after the block timed out: by then its searches must be gone.
      frozenAtTurn2 = new Set(frozenSoFar);
      alive = [...frozenSoFar].filter(isRunning);
      return js('FINAL("done after the timeout")');
    },
    async (server) => {
      const { child, done } = startCli(['ask', '--block-timeout', '3', '--dir', big, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
      const { frozen } = await freezeSearches(child.pid!, RG_POOL_SIZE);
      for (const pid of frozen) frozenSoFar.add(pid);
      leftovers.push(...frozen);
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'done after the timeout');
      assert.ok(frozenAtTurn2 && frozenAtTurn2.size >= 1, 'the searches were caught before the block timed out');
      assert.deepEqual(alive, [], 'no search outlived its block');
    },
  );
});

// ---- 2. A malformed streamed reply on the root path is an error, not an empty reply -------------------------

for (const provider of ['openai', 'ollama'] as const) {
  test(`${provider}: a root reply that is not a chat stream is reported as unreadable after one retry, exit 1`, async () => {
    await withServer(
      () => ({ rawBody: '<html><body>Welcome to nginx</body></html>' }),
      async (server) => {
        const args = provider === 'openai'
          ? ['ask', '--dir', dir, '--model', ROOT_MODEL, 'q']
          : ['ask', '--provider', 'ollama', '--base-url', server.url, '--dir', dir, '--model', ROOT_MODEL, 'q'];
        const r = await runCli(args, provider === 'openai' ? KEY_ENV(server) : {});
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, new RegExp(`could not be read .*is this really an ${provider === 'openai' ? 'OpenAI-compatible' : 'Ollama'} endpoint\\?`));
        assert.match(r.stderr, /model_error/);
        assert.equal(server.requests.length, 2, 'one retry, not six silent empty turns');
      },
    );
  });
}

// ---- 3. An output cap on every request; an over-long reply is cut before it enters the history --------------

test('--max-reply-tokens caps every request, and a 5 MB reply is cut before the next request, with the model told', async () => {
  const huge = js('print("ran")') + '\n' + 'I keep talking. '.repeat(330_000); // ~5 MB
  await withServer(
    (req) => (isSubCall(req) ? 'sub' : turnOf(req) === 1 ? huge : js('print(await llm_query("hi")); FINAL("ok")')),
    async (server) => {
      const r = await runCli(['ask', '--max-reply-tokens', '1000', '--dir', dir, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
      assert.equal(r.code, 0, r.stderr);
      for (const req of server.requests) assert.equal(req.body.max_tokens, 1000, 'every request, root and sub-call, carries the cap');
      const second = server.requests.filter((q) => !isSubCall(q))[1];
      const size = second.messages.reduce((n, m) => n + m.content.length, 0);
      assert.ok(size < 30_000, `the next request carries ${size} characters, not the whole reply`);
      assert.match(lastUser(second), /hit the output cap of 1,000 tokens and was cut off/);
      assert.match(lastUser(second), /ran/, 'the code in the part kept still ran');
    },
  );
});

// ---- 4. A whole-request deadline besides the idle timeout --------------------------------------------------

test('--request-deadline abandons a slowly dripping reply and retries it like a timeout', { timeout: 60_000 }, async () => {
  let rootRequests = 0;
  const drip = js('FINAL("dripped")') + ' ' + 'word '.repeat(60);
  await withServer(
    () => (++rootRequests === 1 ? { text: drip, chunkDelayMs: 400 } : js('FINAL("second attempt")')),
    async (server) => {
      const r = await runCli(['ask', '--request-deadline', '1', '--request-timeout', '30', '--dir', dir, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'second attempt', 'the dripping reply (chunks 0.4 s apart, under the idle timeout) was abandoned');
      assert.equal(server.requests.length, 2, 'and retried');
    },
  );
});

// ---- 5. Secrets by content never reach a model -------------------------------------------------------------

const AWS_ID = 'AKIA2E0A8F3B244C9986';
const AWS_SECRET = 'Xz9q2Lm4Pq7Rt1Vw3Yb6Nc8Df0Gh2Jk4Lm6Np8Qr';
const GH_TOKEN = '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';
const SECRETS_PROJECT: Record<string, string> = {
  'config': `[default]\naws_access_key_id = ${AWS_ID}\naws_secret_access_key = ${AWS_SECRET}\n`,
  '.vscode/settings.json': `{ "github.token": "${GH_TOKEN}", "editor.tabSize": 2 }\n`,
  'src/app.js': `const s3 = new S3({ accessKeyId: '${AWS_ID}', secretAccessKey: '${AWS_SECRET}' });\nexport function upload() { return s3; }\n`,
};

const LEAK_TURNS = [
  js(`const texts = [];
for (const p of ['config', '.vscode/settings.json', 'src/app.js']) texts.push(await context.read(p));
const hits = await context.grep('accessKey|token', { ignoreCase: true });
print(texts.join('\\n'), hits.map(h => h.text).join('\\n'));
print(await llm_query('Summarize this configuration:\\n' + texts.join('\\n')));
print(await rlm_query('What does this configure?', { text: texts.join('\\n') }));`),
  js('FINAL("The app uploads to S3 (src/app.js:1).")'),
];

function everythingSent(requests: ScriptedRequest[]): string {
  return requests.map((q) => q.messages.map((m) => m.content).join('\n')).join('\n');
}

test('secrets inside ordinary files are cut from printed output, sub-call and child-run prompts; --include-secrets sends them', { timeout: 60_000 }, async () => {
  const project = makeProject(SECRETS_PROJECT);
  const child = [js('print(await context.read("input.txt"))'), js('FINAL("child answer")')];
  const reply = (req: ScriptedRequest) => (isSubCall(req) ? 'a summary' : isChildRun(req) ? child[turnOf(req) - 1] : LEAK_TURNS[turnOf(req) - 1]);
  await withServer(reply, async (server) => {
    const trajectory = join(mkdtempSync(join(tmpdir(), 'rlm-traj-')), 'run.jsonl');
    const r = await runCli(['ask', '--trajectory', trajectory, '--dir', project, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
    assert.equal(r.code, 0, r.stderr);
    const sent = everythingSent(server.requests);
    for (const secret of [AWS_ID, AWS_SECRET, GH_TOKEN]) {
      assert.ok(!sent.includes(secret), `${secret.slice(0, 8)}… reached a model`);
      assert.ok(!readFileSync(trajectory, 'utf8').includes(secret), `${secret.slice(0, 8)}… is in the trajectory`);
    }
    assert.ok(server.requests.some(isSubCall) && server.requests.some(isChildRun), 'a sub-call and a child run were made');
    const childSaw = server.requests.filter(isChildRun).at(-1)!;
    for (const req of [server.requests.find(isSubCall)!, childSaw]) assert.match(lastUser(req), /\[secret removed: aws\]/);
    assert.match(everythingSent(server.requests.filter((q) => !isSubCall(q) && !isChildRun(q))), /\[secret removed: github\]/);
    assert.match(r.stderr, /secret value\(s\) were cut/);
  });
  await withServer(reply, async (server) => {
    const r = await runCli(['ask', '--include-secrets', '--dir', project, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(everythingSent(server.requests).includes(AWS_SECRET), 'the opt-in sends secrets as they are');
  });
});

// ---- 6. Exit 0 only for an answer from FINAL ---------------------------------------------------------------

test('after max_errors, prose is not an answer: exit 1 with the reason, and --json is still printed', async () => {
  await withServer(
    () => 'I am thinking about this…',
    async (server) => {
      const r = await runCli(['ask', '--dir', dir, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '', 'no prose passed off as the answer');
      assert.match(r.stderr, /rlm: no answer \(max_errors: .*the last turn did not call FINAL\)/);
      const j = await runCli(['ask', '--json', '--quiet', '--dir', dir, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
      assert.equal(j.code, 1);
      const out = JSON.parse(j.stdout);
      assert.equal(out.answer, '');
      assert.equal(out.stopReason, 'max_errors');
      assert.match(j.stderr, /no answer \(max_errors/);
    },
  );
});

// ---- 7. A huge FINAL is capped and stored once ----------------------------------------------------------------

test('a 10 MiB FINAL is cut with a note, and the trajectory stores the answer once', { timeout: 60_000 }, async () => {
  await withServer(
    () => js(`FINAL('a'.repeat(10 * 1024 * 1024))`),
    async (server) => {
      const trajectory = join(mkdtempSync(join(tmpdir(), 'rlm-traj-')), 'run.jsonl');
      const r = await runCli(['ask', '--json', '--quiet', '--trajectory', trajectory, '--dir', dir, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.ok(out.answer.length < MAX_ANSWER_CHARS + 500, `answer of ${out.answer.length} characters`);
      assert.match(out.answer, /The answer was 10,485,760 characters long and was cut to the first 200,000/);
      const events = readFileSync(trajectory, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const holders = events.filter((e) => typeof e.answer === 'string' && e.answer.length >= MAX_ANSWER_CHARS);
      assert.deepEqual(holders.map((e) => e.type), ['final'], 'the answer is stored once');
    },
  );
});

// ---- 8. Hard links out, NFD names, links to secret files ------------------------------------------------------

test('a hard link to a file outside is refused; an NFD name is found by its NFC spelling; a link to .env is refused as secret', async () => {
  const project = makeProject({ 'src/main.js': 'export const main = 1;\n', '.env': 'API_TOKEN=do-not-leak\n' });
  const outside = mkdtempSync(join(tmpdir(), 'rlm-outside-'));
  writeFileSync(join(outside, 'private.txt'), 'OUTSIDE-ONLY content\n');
  linkSync(join(outside, 'private.txt'), join(project, 'src/notes.txt'));
  writeFileSync(join(project, 'src', 'café.js'.normalize('NFD')), 'export const cafe = 2;\n');
  symlinkSync('.env', join(project, 'settings.txt'));
  const probe = js(`for (const p of ['src/notes.txt', 'src/café.js', 'settings.txt']) {
  try { print(p + ' => ' + (await context.read(p)).trim()); } catch (e) { print(p + ' => refused: ' + e.message); }
}
print('files: ' + context.files.map(f => f.path).join(','));
print('grep: ' + (await context.grep('OUTSIDE|API_TOKEN')).length);`);
  await withServer(
    (req) => (turnOf(req) === 1 ? probe : js('FINAL("checked")')),
    async (server) => {
      const r = await runCli(['ask', '--dir', project, '--model', ROOT_MODEL, 'q'], KEY_ENV(server));
      assert.equal(r.code, 0, r.stderr);
      const seen = lastUser(server.requests[1]);
      assert.match(seen, /src\/notes\.txt => refused: .*hard link/);
      assert.match(seen, /src\/café\.js => export const cafe = 2;/);
      assert.match(seen, /settings\.txt => refused: settings\.txt is a link to \.env, a secret-looking file/);
      assert.match(seen, /grep: 0/);
      assert.doesNotMatch(everythingSent(server.requests), /OUTSIDE-ONLY|do-not-leak/);
    },
  );
  rmSync(outside, { recursive: true, force: true });
});
