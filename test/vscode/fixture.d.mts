// Types for fixture.mjs (shared by the harness, which is plain node, and the suite, which is TypeScript).
export declare const QUESTION: string;
export declare const FOCUS_QUESTION: string;
export declare const EXCLUDE_QUESTION: string;
export declare const SLOW_QUESTION: string;
export declare const TEST_API_KEY: string;
export declare const CHAT_FIRST: string;
export declare const CHAT_SECOND: string;
export declare function writeWorkspace(dir: string): string;
export declare function modelScript(): unknown;
