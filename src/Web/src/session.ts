import { useSyncExternalStore } from "react";
import { createApi } from "./api/client";
import type { Schemas } from "./api/client";

/** The signed-in user and their login token; kept in localStorage so a viewer tab shares it. */
export interface Session {
  token: string;
  expiresAt: string;
  user: Schemas["LoginUser"];
}

const storageKey = "guruconnect.session";
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(storageKey);
    if (!raw) return null;
    // No expiry check here: the browser's clock may be off; the server's 401 signs out (api onUnauthorized).
    return JSON.parse(raw) as Session;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  if (session) localStorage.setItem(storageKey, JSON.stringify(session));
  else localStorage.removeItem(storageKey);
  listeners.forEach((l) => l());
}

globalThis.addEventListener?.("storage", (e: StorageEvent) => {
  if (e.key === storageKey) {
    current = read();
    listeners.forEach((l) => l());
  }
});

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

export const api = createApi({
  getToken: () => current?.token ?? null,
  onUnauthorized: () => setSession(null),
});
