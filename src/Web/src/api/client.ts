import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { ApiError, problemFrom } from "./problem";

export type Schemas = components["schemas"];
export type Api = ReturnType<typeof createApi>;

export interface ApiOptions {
  baseUrl?: string;
  /** The bearer token (login JWT) or null when signed out. */
  getToken: () => string | null;
  /** Called on a 401 from any authenticated call (expired or revoked token): sign out. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

/**
 * The typed API client: openapi-fetch over the generated schema (src/api/schema.d.ts), with the
 * bearer token added and every failure turned into an {@link ApiError}. Call sites use `unwrap`
 * so a failed call throws (TanStack Query then shows it) instead of returning undefined.
 */
export function createApi(options: ApiOptions) {
  const baseFetch = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const client = createClient<paths>({ baseUrl: options.baseUrl ?? "", fetch: baseFetch });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = options.getToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    onResponse({ request, response }) {
      if (response.status === 401 && request.headers.has("Authorization")) options.onUnauthorized?.();
      return response;
    },
  };
  client.use(auth);

  /** For routes the generated schema does not know yet (e.g. the installers API): same auth and errors. */
  async function raw(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const token = options.getToken();
    if (token) headers.set("Authorization", `Bearer ${token}`);
    if (init.body && typeof init.body === "string" && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
    let response: Response;
    try {
      response = await baseFetch(new Request(new URL(path, options.baseUrl || globalThis.location?.origin), { ...init, headers }));
    } catch (cause) {
      throw unreachable(cause);
    }
    if (!response.ok) {
      if (response.status === 401 && token) options.onUnauthorized?.();
      throw problemFrom(response, await readBody(response));
    }
    return response;
  }

  return { client, raw };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function unreachable(cause: unknown): ApiError {
  return new ApiError({
    status: 0,
    title: "The server could not be reached",
    detail: cause instanceof Error ? cause.message : String(cause),
  });
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits an openapi-fetch call and returns its data, or throws the problem as an ApiError
 * (a network failure becomes status 0 "The server could not be reached").
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw unreachable(cause);
  }
  if (!result.response.ok) throw problemFrom(result.response, result.error);
  return result.data as T;
}
