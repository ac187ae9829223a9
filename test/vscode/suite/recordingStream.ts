// A ChatResponseStream that records every call, so the @rlm handler can be checked in the real extension
// host without a signed-in chat model.
import type * as vscode from 'vscode';

export interface RecordedCall {
  method: string;
  args: unknown[];
}

export function recordingStream(): { stream: vscode.ChatResponseStream; calls: RecordedCall[]; of(method: string): unknown[][] } {
  const calls: RecordedCall[] = [];
  const stream = new Proxy(
    {},
    {
      get(_target, method) {
        if (typeof method !== 'string' || method === 'then') return undefined;
        return (...args: unknown[]) => {
          calls.push({ method, args });
          return stream;
        };
      },
    },
  ) as vscode.ChatResponseStream;
  return { stream, calls, of: (method) => calls.filter((c) => c.method === method).map((c) => c.args) };
}
