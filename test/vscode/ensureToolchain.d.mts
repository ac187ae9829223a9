// Types for ensureToolchain.mjs (the harness is plain node; unit tests and browser helpers are TypeScript).
export declare const CODE_SERVER_VERSION: string;
export declare const CACHE_DIR: string;
export declare const NODE24_BIN: string;
export declare const NODE24_PKG: string;
export declare const CHROMIUM: string;
export declare const NPM_CACHE: string;
export declare function nestedNpmEnv(
  parentEnv: Record<string, string | undefined>,
  options?: { nodeBin?: string; nodedir?: string; cache?: string },
): Record<string, string>;
export declare function ensureChromium(): string;
export declare function ensureToolchain(): { node: string; nodeBin: string; codeServer: string; chromium: string };
