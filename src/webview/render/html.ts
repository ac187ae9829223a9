// HTML built from strings where every interpolated value is escaped unless it is already SafeHtml.
// The only SafeHtml that does not come from this template is markdown-it's and highlight.js's output,
// both of which escape the text they are given (see markdown.ts, highlight.ts).

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: html`<b>${untrusted}</b>` escapes `untrusted`. Attribute values must be quoted. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Marks renderer output that escapes its own input. Do not pass untrusted text here. */
export function trustedRendererOutput(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
