// The kinds of evidence a context helper can produce (a file range read, a grep hit, ...), with the codicon the
// panels show for each and the helper that produces it (progress lines name it). Declared once here: the context
// API table (contextApi.ts) names a kind per helper, the trajectory panel takes its icons from this table and the
// progress lines their names. No imports, so the browser bundle can use it as is.

export const EVIDENCE_KINDS = {
  read: { icon: 'file', helper: 'read', doc: 'a range of a file that was read' },
  grep: { icon: 'search', helper: 'grep', doc: 'a line a search matched' },
  outline: { icon: 'symbol-class', helper: 'outline', doc: "a file's outlined symbols" },
  definition: { icon: 'symbol-method', helper: 'definitions', doc: 'where a symbol is defined' },
  symbol: { icon: 'symbol-misc', helper: 'symbols', doc: 'a definition whose name matches a partial-name search' },
  reference: { icon: 'references', helper: 'references', doc: 'a line that uses a symbol' },
} as const satisfies Record<string, { icon: string; helper: string; doc: string }>;

export type EvidenceKind = keyof typeof EVIDENCE_KINDS;
