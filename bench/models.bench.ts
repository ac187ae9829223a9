// What the model clients cost on top of the wire: each client (plain and streaming) against a bare fetch of the same
// scripted reply over loopback. Prints per-call times and ratios; loopback makes the client's own overhead visible.
// Run: node --import tsx bench/models.bench.ts [calls]
import { startScriptedServer } from '../test/support/scriptedModelServer';
import { createClient } from '../src/rlm/models/createClient';

const CALLS = Number(process.argv[2] ?? 200);
const REPLY = 'The retry policy lives in src/rlm/models/retry.ts:1 and is shared by both clients. '.repeat(8);
const MESSAGES = [{ role: 'user' as const, content: 'Where is the retry policy?' }];

async function time(label: string, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await call(); // warm up sockets and JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await call();
  const perCallMs = Number(process.hrtime.bigint() - start) / 1e6 / CALLS;
  console.log(`${label.padEnd(34)} ${perCallMs.toFixed(3)} ms/call`);
  return perCallMs;
}

async function main(): Promise<void> {
  const server = await startScriptedServer({ reply: () => REPLY });
  try {
    const raw = (url: string, body: unknown) => async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await res.text();
    };
    const baseline: Record<string, number> = {
      openai: await time('fetch /v1/chat/completions', raw(`${server.openaiBaseUrl}/chat/completions`, { model: 'm', messages: MESSAGES })),
      'openai stream': await time('fetch /v1/chat/completions stream', raw(`${server.openaiBaseUrl}/chat/completions`, { model: 'm', messages: MESSAGES, stream: true, stream_options: { include_usage: true } })),
      ollama: await time('fetch /api/chat', raw(`${server.url}/api/chat`, { model: 'm', messages: MESSAGES, stream: false })),
      'ollama stream': await time('fetch /api/chat stream', raw(`${server.url}/api/chat`, { model: 'm', messages: MESSAGES })),
    };
    console.log('');
    for (const provider of ['openai', 'ollama'] as const) {
      for (const stream of [false, true]) {
        const key = `${provider}${stream ? ' stream' : ''}`;
        const client = createClient({ provider, model: 'm', baseUrl: provider === 'openai' ? server.openaiBaseUrl : server.url, apiKey: 'k', stream });
        const ms = await time(`${key} client`, () => client.chat({ messages: MESSAGES }));
        console.log(`${''.padEnd(34)} ratio client/fetch = ${(ms / baseline[key]).toFixed(2)}`);
      }
    }
    console.log(`\n${server.requests.length} chat requests served`);
  } finally {
    await server.close();
  }
}

void main();
