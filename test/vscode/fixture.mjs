// The workspace the real-VS-Code tests open, and the scripted model replies that drive the engine over it.
// The replies are code the engine really runs (QuickJS, ripgrep, workspace reads): line numbers in the
// answers come from real searches, not from the script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const QUESTION = 'Where is the greeting message built?';
export const FOCUS_QUESTION = 'FOCUSCHECK what does the selected code do?';
export const EXCLUDE_QUESTION = 'EXCLUDECHECK which files can you see?';
export const SLOW_QUESTION = 'SLOWCHECK take your time';
/** The key the suite stores with "RLM: Set API Key"; the harness then checks no file on the server holds it. */
export const TEST_API_KEY = 'sk-rlmtest-0123456789abcdef';

const FILES = {
  'src/greeting.ts': [
    '// Greetings for the demo app.',
    "import { shout } from './util/strings';",
    '',
    "const SALUTATION = 'Hello';",
    '',
    '/** Builds the greeting shown on the start page. */',
    'export function greet(name: string, loud = false): string {',
    '  const message = `${SALUTATION}, ${name}!`;',
    '  return loud ? shout(message) : message;',
    '}',
    '',
  ].join('\n'),
  'src/util/strings.ts': ['export function shout(text: string): string {', '  return text.toUpperCase();', '}', ''].join('\n'),
  'src/index.ts': ["import { greet } from './greeting';", '', "console.log(greet('world'));", ''].join('\n'),
  'generated/bundle.ts': ['// generated: must be hidden by files.exclude', 'export const greetGenerated = 1;', ''].join('\n'),
  'README.md': ['# demo', '', 'A tiny app that greets people.', ''].join('\n'),
  // A workspace trying to redirect requests (and keys) must be ignored: these are machine-scoped settings.
  '.vscode/settings.json': JSON.stringify(
    {
      'rlm.openai.baseUrl': 'http://127.0.0.1:9/workspace-redirect/v1',
      'rlm.ripgrepPath': '/tmp/workspace-provided-rg',
      'rlm.includeSecretFiles': true,
      'files.exclude': { '**/generated': true },
    },
    null,
    2,
  ),
};

export function writeWorkspace(dir) {
  for (const [rel, content] of Object.entries(FILES)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

const js = (code) => '```js\n' + code.trim() + '\n```';

/** Rules are tried in order against the last user message (see test/support/scriptedModelServer.ts). */
export function modelScript() {
  return {
    rules: [
      // llm_query sub-call
      { match: 'SUMMARIZE:', reply: 'It joins the salutation and the name, and upper-cases the text when loud is true.' },
      // main question, turn 2: the evidence from turn 1 was printed
      {
        match: 'STEP1-DONE',
        reply: js(`
const hits = await context.grep('export function greet\\\\(');
const h = hits[0];
const body = await context.read(h.path, { start: h.line, end: h.line + 3 });
const summary = await llm_query('SUMMARIZE: ' + body);
FINAL('The greeting message is built by \`greet\` in ' + h.path + ':' + h.line + '. ' + summary + ' The loud variant uses \`shout\` from src/util/strings.ts:1.');
`),
      },
      // main question, turn 1
      {
        match: 'Where is the greeting message built',
        reply: js(`
const hits = await context.grep('export function greet\\\\(');
print('STEP1-DONE ' + hits.map((h) => h.path + ':' + h.line).join(', '));
`),
      },
      // the focus (selection / #file) must reach the prompt
      { match: 'FOCUSCHECK[\\s\\S]*- src/util/strings\\.ts:1-2', reply: js("FINAL('FOCUS-SEEN src/util/strings.ts:1');") },
      { match: 'FOCUSCHECK', reply: js("FINAL('FOCUS-MISSING');") },
      // files.exclude must be honoured: list what the sandbox can see
      { match: 'EXCLUDECHECK', reply: js("FINAL('FILES: ' + context.files.map((f) => f.path).sort().join(' '));") },
      // a reply that takes long: the test cancels it
      { match: 'SLOWCHECK', reply: { text: js("FINAL('too late');"), delayMs: 120000 } },
    ],
    default: { status: 400, text: 'scripted server: no rule matched' },
  };
}
