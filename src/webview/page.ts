// A webview's HTML page (the trajectory panel's and the answer panel's): a strict Content-Security-Policy (scripts only with the nonce, styles and fonts only from
// the extension's own files), the stylesheets, and the bundle. Shared by the panel and the benchmark page.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from './render/html';

export interface PageResources {
  /** webview.cspSource: the origin the webview serves extension files from. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
  /** The document's title (default: the trajectory panel's). */
  title?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function panelPage(r: PageResources): string {
  const a = (s: string) => escapeHtml(s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(r.cspSource, r.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${a(r.codiconsUri)}" nonce="${a(r.nonce)}">
<link rel="stylesheet" href="${a(r.styleUri)}" nonce="${a(r.nonce)}">
<title>${a(r.title ?? 'RLM Trajectory')}</title>
</head>
<body>
<script nonce="${a(r.nonce)}" src="${a(r.scriptUri)}"></script>
</body>
</html>`;
}
