// Secret values are cut out of every text that leaves for a model (printed output, sub-call and child-run prompts,
// the user's selection), unless the user opted in to secrets (--include-secrets / rlm.includeSecretFiles).
// Secret-looking *files* are kept out by name (workspace/secrets.ts); this catches secrets *inside* ordinary files
// (an AWS key in config.js, a token in settings.json).
//
// The rules are secretlint's recommended preset (AWS, GCP, GitHub, GitLab, Slack, OpenAI, Anthropic, npm, private
// keys, basic auth and database URLs, ...), maintained upstream. Its rule handlers are plain synchronous regex scans
// that report ranges, so they run here directly without @secretlint/core's async file pipeline.
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';

/** What replaces a secret: says what was removed and why, so a model does not go looking for it. */
export function secretMarker(kind: string): string {
  return `[secret removed: ${kind}]`;
}

export interface Redaction {
  text: string;
  /** Secrets removed. */
  count: number;
}

interface RuleReport {
  range: readonly [number, number] | number[];
}

interface RuleHandlers {
  file?: (source: { content: string; filePath: string; ext: string; contentType: 'text' }) => unknown;
}

interface RuleCreator {
  meta: { id: string };
  create(context: unknown, options: Record<string, unknown>): RuleHandlers;
}

/** Rules that do not find secrets (secretlint-disable comments would let file content switch redaction off). */
const SKIPPED_RULES = new Set(['@secretlint/secretlint-rule-filter-comments']);
/** Per-rule options: AWS access key ids (AKIA…) are reported too, not only secret keys. */
const RULE_OPTIONS: Record<string, Record<string, unknown>> = {
  '@secretlint/secretlint-rule-aws': { enableIDScanRule: true },
};

interface Scanner {
  kind: string;
  file: NonNullable<RuleHandlers['file']>;
}

let scanners: Scanner[] | undefined;
/** Where the scanners report; set for the duration of one scan (scans are synchronous). */
let sink: ((r: RuleReport, kind: string, values: string[]) => void) | undefined;
/**
 * The values a rule put in its message (the secret itself), captured by the translator it calls just before each
 * report: some rules report a range that starts at the key's name, not at its value, so the value is what counts.
 */
let messageValues: string[] = [];

/** The rules, created once: each reports into `sink`. */
function loadScanners(): Scanner[] {
  return (scanners ??= (recommendedRules as unknown as RuleCreator[])
    .filter((rule) => !SKIPPED_RULES.has(rule.meta.id))
    .flatMap((rule) => {
      const kind = rule.meta.id.replace(/^@secretlint\/secretlint-rule-/, '');
      const context = {
        report: (r: RuleReport) => {
          sink?.(r, kind, messageValues);
          messageValues = [];
        },
        ignore: () => undefined,
        createTranslator: () => (_id: string, data?: Record<string, unknown>) => {
          messageValues = Object.values(data ?? {}).filter((v): v is string => typeof v === 'string' && v.length >= 8);
          return '';
        },
        sharedOptions: {},
      };
      const handlers = rule.create(context, RULE_OPTIONS[rule.meta.id] ?? {});
      return handlers.file ? [{ kind, file: handlers.file }] : [];
    }));
}

/** Character ranges of secrets in a text, merged where they overlap, in order. */
export function findSecrets(text: string): { start: number; end: number; kind: string }[] {
  const found: { start: number; end: number; kind: string }[] = [];
  sink = (r, kind, values) => {
    const [start, end] = r.range;
    // The reported value where it occurs at or after the report's start; else the reported range.
    let located = false;
    for (const v of values) {
      const at = text.indexOf(v, Math.max(0, start));
      if (at >= 0) {
        found.push({ start: at, end: at + v.length, kind });
        located = true;
      }
    }
    if (!located && end > start) found.push({ start, end, kind });
  };
  try {
    for (const s of loadScanners()) {
      // A handler that returns a promise only looks at binary formats (.p12); text scans are synchronous.
      const pending = s.file({ content: text, filePath: 'text.txt', ext: '.txt', contentType: 'text' });
      if (pending instanceof Promise) pending.catch(() => undefined);
    }
  } finally {
    sink = undefined;
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: typeof found = [];
  for (const f of found) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) last.end = Math.max(last.end, f.end);
    else merged.push({ ...f });
  }
  return merged;
}

/**
 * The text with each secret replaced by a marker. Line breaks inside a secret (a private key) are kept, so line
 * numbers around it still match the file.
 */
export function redactSecrets(text: string): Redaction {
  if (!text) return { text, count: 0 };
  const secrets = findSecrets(text);
  if (secrets.length === 0) return { text, count: 0 };
  let out = '';
  let at = 0;
  for (const s of secrets) {
    const newlines = text.slice(s.start, s.end).split('\n').length - 1;
    out += text.slice(at, s.start) + secretMarker(s.kind) + '\n'.repeat(newlines);
    at = s.end;
  }
  return { text: out + text.slice(at), count: secrets.length };
}

/** A redactor for one run: redacts unless secrets were allowed, and counts what it removed. */
export class SecretRedactor {
  removed = 0;
  constructor(readonly enabled: boolean) {}

  redact(text: string): string {
    if (!this.enabled || !text) return text;
    const r = redactSecrets(text);
    this.removed += r.count;
    return r.text;
  }
}
