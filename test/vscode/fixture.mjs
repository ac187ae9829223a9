// The workspace the real-VS-Code tests open, and the scripted model replies that drive the engine over it.
// The replies are code the engine really runs (QuickJS, ripgrep, workspace reads): line numbers in the
// answers come from real searches, not from the script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const QUESTION = 'Where is the greeting message built?';
export const FOCUS_QUESTION = 'FOCUSCHECK what does the selected code do?';
export const EXCLUDE_QUESTION = 'EXCLUDECHECK which files can you see?';
export const SLOW_QUESTION = 'SLOWCHECK take your time';
/** A realistic run for the panels: a grep, a batch of 8 sub-calls, a child run, an answer with citations. */
export const TOUR_QUESTION = 'TOURCHECK how does a greeting reach the console?';
/** A run that pauses 8 s after its first turn: its live steps can be seen (answer panel, status bar, notification). */
export const STEPS_QUESTION = 'STEPSCHECK what prints the greeting?';
/** Asked from the answer panel's follow-up box after TOUR_QUESTION: reads the first question's variable when the session kept it. */
export const FOLLOWUP_QUESTION = 'FOLLOWUPCHECK and where is shout defined?';
/** Two @rlm questions in one chat conversation: the second runs in the first one's session. */
export const CHAT_FIRST = 'CHATSESSION-ONE where is shout defined?';
export const CHAT_SECOND = 'CHATSESSION-TWO and what did you find before?';
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
      // Live steps: a grep, then a reply held for 8 s.
      { match: 'STEPS-STEP1', reply: { text: js("FINAL('The greeting is printed by src/index.ts:3.');"), delayMs: 8000 } },
      { match: 'STEPSCHECK', reply: js("const found = await context.grep('console.log'); print('STEPS-STEP1 ' + found.length);") },
      // A follow-up's first message carries the earlier questions and answers (the session's transcript), so the
      // follow-up rules come before the rules of the questions they follow.
      // The follow-up: the session's sandbox still has \`tour\` from the first question (FOLLOWUP-SESSION), or not.
      {
        match: 'FOLLOWUPCHECK',
        reply: js(`
FINAL((typeof tour === 'undefined' ? 'FOLLOWUP-NO-SESSION' : 'FOLLOWUP-SESSION ' + tour.hits.length + ' hits') + ': shout is defined in src/util/strings.ts:1.');
`),
      },
      // Two @rlm questions in one chat: the second reads the variable the first defined, if the session kept it.
      {
        match: 'CHATSESSION-TWO',
        reply: js(`
FINAL(typeof chatFound === 'undefined' ? 'CHAT-NO-SESSION' : 'CHAT-SESSION ' + chatFound[0].path + ':' + chatFound[0].line);
`),
      },
      {
        match: 'CHATSESSION-ONE',
        reply: js(`
var chatFound = await context.grep('export function shout');
FINAL('shout is defined in ' + chatFound[0].path + ':' + chatFound[0].line + '.');
`),
      },
      // The engine's one citation-repair turn (a FINAL whose citations did not check out): the tour answers again,
      // with citations built from what its code found; the next FINAL is accepted as it is.
      {
        match: 'Your FINAL answer was not accepted yet',
        reply: js(`
FINAL(typeof tour !== 'undefined' && tour.child ? 'A greeting starts in src/index.ts:3, which calls greet (src/greeting.ts:7). ' + tour.child : 'REPAIR-UNEXPECTED');
`),
      },
      // The tour (issue 14's panels): turn 1 greps, turn 2 fans out 8 sub-calls and starts a child run, turn 3 answers.
      { match: 'SUMMARIZE-PART:', reply: 'This part builds or prints the greeting.' },
      {
        match: 'CHILDTOUR',
        reply: js(`
const defs = await context.grep('export function greet');
FINAL('greet is defined in ' + defs[0].path + ':' + defs[0].line + ' and upper-cases through shout in src/util/strings.ts:1.');
`),
      },
      {
        match: 'TOUR-STEP2',
        reply: js(`
FINAL('A greeting starts in src/index.ts:3, which calls \`greet\` (src/greeting.ts:7). It joins the salutation (src/greeting.ts:4) and the name (src/greeting.ts:8); loud greetings go through \`shout\` (src/util/strings.ts:1-3). ' + tour.child);
`),
      },
      {
        match: 'TOUR-STEP1',
        reply: js(`
tour.parts = await llm_batch(Array.from({ length: 8 }, (_, i) => 'SUMMARIZE-PART: Explain this part for the question how a greeting reaches the console.\\nPart ' + (i + 1) + ' of 8: ' + context.files[i % context.files.length].path));
tour.child = await rlm_query('CHILDTOUR Where is greet defined and what does it call?', { paths: ['src/greeting.ts', 'src/util/strings.ts'] });
print('TOUR-STEP2 ' + tour.parts.length + ' parts; child: ' + tour.child);
`),
      },
      {
        match: 'TOURCHECK',
        reply: js(`
var tour = { hits: await context.grep('greet') };
print('TOUR-STEP1 ' + tour.hits.map((h) => h.path + ':' + h.line).join(', '));
`),
      },
      // a reply that takes long: the test cancels it
      { match: 'SLOWCHECK', reply: { text: js("FINAL('too late');"), delayMs: 120000 } },
    ],
    default: { status: 400, text: 'scripted server: no rule matched' },
  };
}
