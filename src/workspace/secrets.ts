// Secret-looking files stay out of the index, reads and searches unless the user opts in
// (WorkspaceOptions.includeSecrets): a model should never see credentials by accident.

/** Basename patterns, matched case-insensitively against the file name only. */
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
  /^credentials(\..*)?$/,
  /^secrets?(\..*)?$/,
  /^\.secrets?$/,
  /\.kdbx$/,
  /^.*\.tfstate(\.backup)?$/,
  /^service[-_]account.*\.json$/,
];

/** Example/template env files are documentation, not secrets. */
const NOT_SECRET = /^\.env\.(example|sample|template|dist|defaults)$/;

/** Whether a workspace-relative path looks like it holds secrets. */
export function isSecretPath(relPath: string): boolean {
  const slash = relPath.lastIndexOf('/');
  const name = (slash >= 0 ? relPath.slice(slash + 1) : relPath).toLowerCase();
  if (NOT_SECRET.test(name)) return false;
  return SECRET_NAME_PATTERNS.some((re) => re.test(name));
}

export function secretExcludedMessage(relPath: string): string {
  return (
    `${relPath} is excluded as a secret-looking file (.env, keys, credentials...). ` +
    `To include such files, the user must enable the "include secrets" option (WorkspaceOptions.includeSecrets).`
  );
}
