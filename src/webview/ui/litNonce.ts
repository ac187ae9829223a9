// Lit (under @vscode-elements) falls back to <style> tags where adoptedStyleSheets are missing; under our CSP
// those need the page's nonce. Imported first, before any element module runs.
const script = document.currentScript as HTMLScriptElement | null;
if (script?.nonce) (globalThis as { litNonce?: string }).litNonce = script.nonce;
export {};
