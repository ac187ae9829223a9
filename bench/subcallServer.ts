// The scripted endpoint of bench/subcalls.bench.ts, in its own process as a real endpoint would be: in the
// bench's process its request handling (parsing, JSON, writing 32 replies) took turns on the event loop that
// runs our client, adding ~1-2 ms per reply to what the bench charged to us.
// Prints its OpenAI base URL on the first line of stdout; exits when stdin closes (the bench ended).
//   node --import tsx bench/subcallServer.ts CALLS LATENCY_MS
import { startScriptedServer } from '../test/support/scriptedModelServer';
import { isSubCall, js, turnOf } from '../test/support/rlmScript';

async function main(): Promise<void> {
  const calls = Number(process.argv[2]);
  const latencyMs = Number(process.argv[3]);
  const turns = [
    js(`const t0 = Date.now();\nconst r = await llm_batch(Array.from({ length: ${calls} }, (_, i) => 'item ' + i));\nprint('batch ms', Date.now() - t0, r.length);`),
    js('FINAL("done")'),
  ];
  const server = await startScriptedServer({
    reply: async (req) => {
      if (isSubCall(req)) {
        await new Promise((r) => setTimeout(r, latencyMs));
        return 'ok';
      }
      return turns[turnOf(req) - 1]!;
    },
  });
  process.stdout.write(`${server.openaiBaseUrl}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}

void main();
