// Sessions through the real engine, sandbox and OpenAI client against the scripted server: follow-ups share the
// live sandbox, carry the earlier answers, stay bounded, and degrade to the transcript when the sandbox is dropped.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { TrajectoryEvent } from '../../src/rlm/events';
import { createClient } from '../../src/rlm/models/createClient';
import { Session, SessionStore, type SessionOptions } from '../../src/rlm/session';
import { accountOf } from '../../src/rlm/runAccount';
import { startScriptedServer, type ScriptedReply, type ScriptedRequest, type ScriptedServer } from '../support/scriptedModelServer';
import { isChildRun, isSubCall, js, lastUser, makeProject, ROOT_MODEL, SAMPLE_PROJECT, SUB_MODEL, turnOf } from '../support/rlmScript';

let dir: string;
before(() => {
  dir = makeProject(SAMPLE_PROJECT);
});

function sessionOptions(server: ScriptedServer): SessionOptions {
  const client = (model: string) => createClient({ provider: 'openai', model, baseUrl: server.openaiBaseUrl, apiKey: 'test-key', retry: { maxRetries: 1, baseDelayMs: 10 } });
  return { workspace: { roots: [{ name: 'shop', path: dir }] }, model: client(ROOT_MODEL), subModel: client(SUB_MODEL) };
}

/** The question a root request is about (the first user message starts with it). */
function questionOf(req: ScriptedRequest): string {
  return /^Question: (.*)$/m.exec(req.messages[1]?.content ?? '')?.[1] ?? '';
}

/** Root requests only (no sub-calls, no child runs). */
const roots = (server: ScriptedServer) => server.requests.filter((r) => !isSubCall(r) && !isChildRun(r));

async function withServer(reply: (req: ScriptedRequest) => ScriptedReply, fn: (server: ScriptedServer) => Promise<void>): Promise<void> {
  const server = await startScriptedServer({ reply });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** Question 1 finds retry() and keeps it in `found`; question 2 reads `found` without searching again. */
const FIRST = 'Where is retry defined?';
const SECOND = 'How many attempts does it make?';
function twoQuestions(req: ScriptedRequest): ScriptedReply {
  if (questionOf(req) === FIRST) {
    return turnOf(req) === 1
      ? js(`const found = (await context.grep('export async function retry'))[0];\nprint(found.path, found.line);`)
      : js('FINAL(`retry() is defined at ${found.path}:${found.line}.`)');
  }
  // The follow-up's code uses the variable the first question defined (a ReferenceError if it is gone).
  return turnOf(req) === 1 ? js(`print('reused', found.path + ':' + found.line);`) : js('FINAL(`Still ${found.path}:${found.line}.`)');
}

test('a follow-up runs in the same sandbox: it reads the variable the first question defined, and its first message carries the first answer', async () => {
  await withServer(twoQuestions, async (server) => {
    const session = new Session(sessionOptions(server));
    try {
      const first = await session.ask(FIRST);
      assert.equal(first.answer, 'retry() is defined at src/retry.ts:4.');
      assert.equal(first.turn, 1);
      const events: TrajectoryEvent[] = [];
      const second = await session.ask(SECOND, { onEvent: (e) => events.push(e) });
      assert.equal(second.stopReason, 'final');
      assert.equal(second.turn, 2);
      assert.equal(second.answer, 'Still src/retry.ts:4.');

      const followUp = roots(server).filter((r) => questionOf(r) === SECOND);
      const opening = followUp[0].messages[1].content;
      assert.match(opening, /question 2 of a conversation/);
      assert.match(opening, /### Question 1: Where is retry defined\?\nretry\(\) is defined at src\/retry\.ts:4\.\nCited: src\/retry\.ts:4/, 'the first answer, with its citations');
      assert.match(opening, /- found: object, 3 keys/, 'the variables still defined');
      assert.match(lastUser(followUp[1]), /reused src\/retry\.ts:4/, "the follow-up's code read the first question's variable");
      const code = events.find((e) => e.type === 'code');
      assert.equal(code?.type === 'code' && code.error, undefined);

      // Each question has its own account; the session sums them.
      assert.deepEqual(second.account, accountOf(events));
      assert.equal(session.total().turns, 4);
      assert.equal(session.total().usage.inputTokens, first.usage.inputTokens + second.usage.inputTokens);
    } finally {
      await session.dispose();
    }
  });
});

test('a dropped sandbox degrades to the transcript: the follow-up is told, and the old variable is gone', async () => {
  await withServer(twoQuestions, async (server) => {
    // A memory cap below one sandbox's heap: the sandbox is dropped as soon as the first question ends.
    const store = new SessionStore({ memoryCapMb: 1 });
    try {
      const session = store.open('chat-1', () => sessionOptions(server));
      await session.ask(FIRST);
      await waitFor(() => !session.live);
      const second = await session.ask(SECOND);
      const followUp = roots(server).filter((r) => questionOf(r) === SECOND);
      const opening = followUp[0].messages[1].content;
      assert.match(opening, /The sandbox of the earlier questions is gone \(the conversations' sandboxes used \d+ MiB, over the 1 MiB cap\)/);
      assert.match(opening, /retry\(\) is defined at src\/retry\.ts:4\./, 'the transcript is still there');
      assert.doesNotMatch(opening, /- found:/);
      assert.match(lastUser(followUp[1]), /ReferenceError: 'found' is not defined|found is not defined/);
      assert.equal(second.turn, 2);
    } finally {
      await store.dispose();
    }
  });
});

test('the store keeps a bounded number of live sandboxes and drops an idle one after its timeout', async () => {
  await withServer(twoQuestions, async (server) => {
    const store = new SessionStore({ maxLiveSandboxes: 1, idleMs: 60_000 });
    try {
      const a = store.open('a', () => sessionOptions(server));
      const b = store.open('b', () => sessionOptions(server));
      await a.ask(FIRST);
      assert.ok(a.live);
      await b.ask(FIRST);
      await waitFor(() => !a.live);
      assert.ok(b.live, 'the most recently used session keeps its sandbox');
      assert.equal(store.open('a', () => assert.fail('a is remembered')), a, 'the transcript outlives the sandbox');
    } finally {
      await store.dispose();
    }
    const quick = new SessionStore({ idleMs: 50 });
    try {
      const s = quick.open('q', () => sessionOptions(server));
      await s.ask(FIRST);
      await waitFor(() => !s.live);
    } finally {
      await quick.dispose();
    }
  });
});

test("child runs stay isolated: a follow-up's rlm_query child does not see the session's variables", async () => {
  const reply = (req: ScriptedRequest): ScriptedReply => {
    if (isChildRun(req)) return turnOf(req) === 1 ? js("print('child sees found:', typeof found);") : js('FINAL("child done")');
    if (questionOf(req) === 'ask a child') return turnOf(req) === 1 ? js("print('parent sees found:', typeof found, await rlm_query('look', { paths: ['src/retry.ts'] }));") : js('FINAL("done: src/retry.ts:4")');
    return twoQuestions(req);
  };
  await withServer(reply, async (server) => {
    const session = new Session(sessionOptions(server));
    try {
      await session.ask(FIRST);
      await session.ask('ask a child');
      const child = server.requests.filter(isChildRun);
      assert.match(lastUser(child[1]), /child sees found: undefined/);
      assert.match(lastUser(roots(server).filter((r) => questionOf(r) === 'ask a child')[1]), /parent sees found: object child done/);
    } finally {
      await session.dispose();
    }
  });
});

test('one question at a time per session: a second ask while one runs is refused with a clear error', async () => {
  await withServer(
    (req) => ({ text: js('FINAL("src/retry.ts:4")'), delayMs: questionOf(req) === 'slow' ? 300 : 0 }),
    async (server) => {
      const session = new Session(sessionOptions(server));
      try {
        const slow = session.ask('slow');
        await assert.rejects(session.ask('fast'), /a question is still running in this conversation/);
        assert.equal((await slow).stopReason, 'final');
      } finally {
        await session.dispose();
      }
    },
  );
});

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
