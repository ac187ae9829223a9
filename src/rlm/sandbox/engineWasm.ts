// Where the QuickJS engine's wasm is, and its compiled form shared by every sandbox worker of this process.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

/**
 * The engine wasm for code running from `fromFile`: next to a bundle in dist/ (the build copies it there as
 * emscripten-module.wasm), else from the package (source mode under tsx).
 */
export function engineWasmFile(fromFile: string): string {
  const bundled = path.join(path.dirname(fromFile), 'emscripten-module.wasm');
  if (!fromFile.endsWith('.ts') && existsSync(bundled)) return bundled;
  return createRequire(fromFile).resolve('@jitl/quickjs-ng-wasmfile-release-sync/wasm');
}

let compiled: Promise<WebAssembly.Module | undefined> | undefined;

/**
 * Compiles the engine once per process; workers receive the module (no compile per sandbox, and code that
 * V8 compiles lazily is shared). Undefined when it cannot be compiled here: each worker then loads its own.
 */
export function compiledEngine(fromFile: string): Promise<WebAssembly.Module | undefined> {
  compiled ??= fs
    .readFile(engineWasmFile(fromFile))
    .then((bytes) => WebAssembly.compile(bytes))
    .catch(() => undefined);
  return compiled;
}
