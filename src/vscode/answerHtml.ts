// Renders an answer's markdown to HTML for the answer webview, with every path:line citation turned into a
// link the webview script turns into an "open this file at this line" message. Raw HTML in the answer is
// escaped (the model's text is untrusted). No vscode import (unit-testable).
import MarkdownIt from 'markdown-it';
import { findCitationSpans, splitByCitations } from './citationText';

type Markdown = InstanceType<typeof MarkdownIt>;
type Token = ReturnType<Markdown['parse']>[number];
type CoreRule = Parameters<Markdown['core']['ruler']['push']>[1];
type StateCore = Parameters<CoreRule>[0];

let md: Markdown | undefined;

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function citationLink(inner: string, path: string, line: number, endLine: number | undefined): string {
  const end = endLine !== undefined ? ` data-end-line="${endLine}"` : '';
  return `<a class="citation" href="#" data-path="${escapeAttr(path)}" data-line="${line}"${end} title="Open ${escapeAttr(path)} at line ${line}">${inner}</a>`;
}

function markdown(): Markdown {
  if (md) return md;
  md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.core.ruler.push('rlm_citations', (state: StateCore) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      const out: Token[] = [];
      let linkDepth = 0;
      for (const token of block.children) {
        if (token.type === 'link_open') linkDepth++;
        if (token.type === 'link_close') linkDepth--;
        if (linkDepth > 0 || (token.type !== 'text' && token.type !== 'code_inline')) {
          out.push(token);
          continue;
        }
        if (token.type === 'code_inline') {
          const spans = findCitationSpans(token.content);
          // `src/a.ts:12` as inline code: link the whole code span.
          if (spans.length === 1 && spans[0].length === token.content.trim().length) {
            const html = new state.Token('html_inline', '', 0);
            html.content = citationLink(`<code>${md!.utils.escapeHtml(token.content)}</code>`, spans[0].path, spans[0].line, spans[0].endLine);
            out.push(html);
          } else out.push(token);
          continue;
        }
        for (const piece of splitByCitations(token.content)) {
          const t = new state.Token('html_inline', '', 0);
          t.content =
            piece.kind === 'text'
              ? md!.utils.escapeHtml(piece.text)
              : citationLink(md!.utils.escapeHtml(piece.span.text), piece.span.path, piece.span.line, piece.span.endLine);
          out.push(t);
        }
      }
      block.children = out;
    }
  });
  return md;
}

export function renderAnswerHtml(answer: string): string {
  return markdown().render(answer);
}
