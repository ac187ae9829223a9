// Secret-looking files stay out of the index, reads and searches unless the user opts in
// (WorkspaceOptions.includeSecrets): a model should never see credentials by accident.

/** File-name patterns (lower case), matched case-insensitively against the file name only. */
const SECRET_NAME_PATTERNS: RegExp[] = [
  /^\.env$/,
  /^\.env\..+$/,
  /^.+\.env$/,
  /\.pem$/,
  /\.key$/,
  /^id_(rsa|dsa|ecdsa|ed25519)(\..*)?$/,
  /\.p12$/,
  /\.pfx$/,
  /\.jks$/,
  /\.keystore$/,
  /^\.npmrc$/,
  /^\.pypirc$/,
  /^\.netrc$/,
  /^_netrc$/,
  /^\.git-credentials$/,
  /^\.htpasswd$/,
  // credentials*, secrets.* — but not source code that merely has such a name (secrets.ts, credentials.py).
  /^(credentials|secrets?)(?!.*\.(ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|kt|cs|rb|php|c|h|cpp|hpp|swift|md|d\.ts)$).*$/,
  /^\.secrets?$/,
  /\.kdbx$/,
  /^.*\.tfstate(\.backup)?$/,
  /^service[-_]account.*\.json$/,
];

/** Example/template env files are documentation, not secrets. */
const NOT_SECRET = /^\.env\.(example|sample|template|dist|defaults)$/;

/** All patterns as one case-insensitive regexp: one test per file during the index walk. */
const SECRET_NAME = new RegExp(SECRET_NAME_PATTERNS.map((re) => `(?:${re.source})`).join('|'), 'i');

/**
 * A cheap pre-filter for the index walk (one call per file): every pattern above either starts the name
 * with one of these characters or ends it with one of these extensions.
 */
const FIRST_CHARS = new Set(['.', '_', 'i', 'I', 'c', 'C', 's', 'S']);
const SECRET_EXTENSIONS = new Set(['env', 'pem', 'key', 'p12', 'pfx', 'jks', 'keystore', 'kdbx', 'tfstate', 'backup']);

function mayBeSecret(name: string): boolean {
  if (FIRST_CHARS.has(name[0] ?? '')) return true;
  const dot = name.lastIndexOf('.');
  return dot >= 0 && SECRET_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** Whether a workspace-relative path (or a bare file name) looks like it holds secrets. */
export function isSecretPath(relPath: string): boolean {
  const slash = relPath.lastIndexOf('/');
  const name = slash >= 0 ? relPath.slice(slash + 1) : relPath;
  return mayBeSecret(name) && SECRET_NAME.test(name) && !NOT_SECRET.test(name.toLowerCase());
}

export function secretExcludedMessage(relPath: string): string {
  return (
    `${relPath} is excluded as a secret-looking file (.env, keys, credentials...). ` +
    `To include such files, the user must enable the "include secrets" option (WorkspaceOptions.includeSecrets).`
  );
}
