// Pulls the runnable code out of a model's reply, and notices the usual ways a reply goes wrong.

export interface ParsedReply {
  /** Code blocks to run, in order. */
  blocks: string[];
  /** Fenced blocks in a language we do not run (python, bash ...). */
  skippedLanguages: string[];
  /** The reply ended inside an open fence (usually the model hit its output limit). */
  unterminated: boolean;
  /** FINAL(...) appears outside any code block — it is not taken as the answer. */
  finalInProse: boolean;
}

const RUNNABLE = new Set(['js', 'javascript', 'repl', 'mjs', 'node']);
/** Untagged fences run only when they look like sandbox code, not like sample output. */
const LOOKS_LIKE_CODE = /\b(await|context\.|print\(|FINAL(_VAR)?\(|llm_(query|batch)\(|rlm_query\(|const |let |var |function )/;

export function parseReply(reply: string): ParsedReply {
  const result: ParsedReply = { blocks: [], skippedLanguages: [], unterminated: false, finalInProse: false };
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  let prose = '';
  let open: { fence: string; lang: string; body: string[] } | undefined;

  for (const line of lines) {
    if (!open) {
      const start = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)[^`]*$/.exec(line);
      if (start) {
        open = { fence: start[1], lang: start[2].toLowerCase(), body: [] };
      } else {
        prose += line + '\n';
      }
      continue;
    }
    const close = new RegExp(`^\\s{0,3}${open.fence[0]}{${open.fence.length},}\\s*$`);
    if (close.test(line)) {
      const body = open.body.join('\n');
      if (RUNNABLE.has(open.lang) || (open.lang === '' && LOOKS_LIKE_CODE.test(body))) {
        if (body.trim()) result.blocks.push(body);
      } else if (open.lang !== '') {
        result.skippedLanguages.push(open.lang);
      }
      open = undefined;
    } else {
      open.body.push(line);
    }
  }
  if (open) result.unterminated = true;
  result.finalInProse = /\bFINAL(_VAR)?\s*\(/.test(prose);
  return result;
}
