// The final answer as sanitized markdown. Raw HTML in the text is escaped (html: false), images are off (nothing
// loads from outside), links are kept only for http(s) and for citations; `path:line` citations, bare or in
// backticks or as link targets, become links the panel turns into "open this range".
import MarkdownIt from 'markdown-it';
import type { StateCore, Token } from 'markdown-it';

type Markdown = InstanceType<typeof MarkdownIt>;
import type { Citation } from '../../rlm/events';
import { highlightCode } from './highlight';
import { trustedRendererOutput, type SafeHtml } from './html';
import { findCitationSpans, parseCitation, type CitationRef } from '../../rlm/citationGrammar';

export { parseCitation };
export type { CitationRef };

/** Every citation in a piece of text, in order (the one grammar: src/rlm/citationGrammar.ts). */
export function findCitations(text: string): CitationRef[] {
  return findCitationSpans(text).map(({ path, line, endLine }) => ({ path, line, ...(endLine !== undefined ? { endLine } : {}) }));
}

const SAFE_URL = /^https?:\/\//i;

export function isAllowedLink(url: string): boolean {
  return SAFE_URL.test(url.trim()) || parseCitation(url) !== undefined;
}

type Validity = (ref: CitationRef) => Citation | undefined;

function citationAttrs(token: Token, ref: CitationRef, lookup: Validity): void {
  const known = lookup(ref);
  token.attrs = [
    ['href', '#'],
    ['class', known && !known.valid ? 'citation invalid' : 'citation'],
    ['data-path', ref.path],
    ['data-line', String(ref.line)],
  ];
  if (ref.endLine !== undefined) token.attrs.push(['data-end-line', String(ref.endLine)]);
  token.attrs.push(['title', known && !known.valid ? `Invalid citation: ${known.problem ?? 'not found in the workspace'}` : `Open ${ref.path}:${ref.line}`]);
}

function citationPlugin(md: Markdown): void {
  md.core.ruler.after('inline', 'rlm_citations', (state: StateCore) => {
    const lookup: Validity = (state.env as { lookup?: Validity }).lookup ?? (() => undefined);
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      const out: Token[] = [];
      let insideLink = 0;
      for (const tok of block.children) {
        if (tok.type === 'link_open') {
          insideLink++;
          const href = String(tok.attrGet('href') ?? '');
          const ref = SAFE_URL.test(href) ? undefined : parseCitation(href);
          if (ref) citationAttrs(tok, ref, lookup);
          out.push(tok);
          continue;
        }
        if (tok.type === 'link_close') insideLink = Math.max(0, insideLink - 1);
        if (insideLink) {
          out.push(tok);
          continue;
        }
        if (tok.type === 'code_inline') {
          const ref = parseCitation(tok.content);
          if (ref) {
            const open = new state.Token('link_open', 'a', 1);
            citationAttrs(open, ref, lookup);
            out.push(open, tok, new state.Token('link_close', 'a', -1));
            continue;
          }
        }
        if (tok.type !== 'text') {
          out.push(tok);
          continue;
        }
        let last = 0;
        for (const span of findCitationSpans(tok.content)) {
          const { path, line, endLine } = span;
          const ref: CitationRef = { path, line, ...(endLine !== undefined ? { endLine } : {}) };
          const at = span.index;
          if (at < last) continue;
          if (at > last) {
            const t = new state.Token('text', '', 0);
            t.content = tok.content.slice(last, at);
            out.push(t);
          }
          const open = new state.Token('link_open', 'a', 1);
          citationAttrs(open, ref, lookup);
          const t = new state.Token('text', '', 0);
          t.content = span.text;
          out.push(open, t, new state.Token('link_close', 'a', -1));
          last = at + span.length;
        }
        if (last === 0) out.push(tok);
        else if (last < tok.content.length) {
          const t = new state.Token('text', '', 0);
          t.content = tok.content.slice(last);
          out.push(t);
        }
      }
      block.children = out;
    }
  });
}

let instance: Markdown | undefined;

function markdown(): Markdown {
  if (instance) return instance;
  const md = new MarkdownIt({
    html: false,
    linkify: false,
    typographer: false,
    highlight: (code, lang) => highlightCode(code, lang || undefined).value,
  });
  md.disable('image');
  md.validateLink = isAllowedLink;
  md.use(citationPlugin);
  return (instance = md);
}

/** Markdown to HTML; `citations` (from the final event) mark the ones the engine found invalid. */
export function renderMarkdown(text: string, citations: readonly Citation[] = []): SafeHtml {
  const lookup: Validity = (ref) => citations.find((c) => c.path === ref.path && c.line === ref.line);
  return trustedRendererOutput(markdown().render(text, { lookup }));
}
