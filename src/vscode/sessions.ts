// The extension's conversations: one SessionStore for every surface (a chat conversation, an answer panel), keyed
// by the session id the surface gives startAsk. Bounded by the store (live sandboxes, idle time, memory).
import { SessionStore } from '../rlm/session';

let store: SessionStore | undefined;

export function sessionStore(): SessionStore {
  return (store ??= new SessionStore());
}

/** At deactivation: every session's sandbox ends. */
export async function disposeSessions(): Promise<void> {
  const s = store;
  store = undefined;
  await s?.dispose();
}
