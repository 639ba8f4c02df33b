/**
 * A failed API call as the console shows it: the server's RFC 9457 problem (title, detail, stable
 * code, traceId, field errors), or a synthetic one when the server could not be reached. Every
 * page renders these with <ProblemView>, so no failure is ever silent (docs/api.md "Errors").
 */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly code?: string;
  readonly traceId?: string;
  readonly errors?: Record<string, string[]>;
  /** Seconds, from Retry-After on 429. */
  readonly retryAfter?: number;

  constructor(init: {
    status: number;
    title: string;
    detail?: string;
    code?: string;
    traceId?: string;
    errors?: Record<string, string[]>;
    retryAfter?: number;
  }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title);
    this.name = "ApiError";
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.code = init.code;
    this.traceId = init.traceId;
    this.errors = init.errors;
    this.retryAfter = init.retryAfter;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Builds the ApiError for a non-2xx response from its body (already parsed, or text). */
export function problemFrom(response: Response, body: unknown): ApiError {
  const problem = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const retry = Number(response.headers.get("Retry-After"));
  const errors =
    typeof problem.errors === "object" && problem.errors !== null
      ? Object.fromEntries(
          Object.entries(problem.errors as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : [String(v)]]),
        )
      : undefined;
  return new ApiError({
    status: response.status,
    title: text(problem.title) ?? `${response.status} ${response.statusText || "Request failed"}`.trim(),
    detail: text(problem.detail) ?? (typeof body === "string" && body.length > 0 && body.length < 500 ? body : undefined),
    code: text(problem.code),
    traceId: text(problem.traceId) ?? response.headers.get("traceparent") ?? undefined,
    errors,
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
  });
}

/** The message the login page shows for a failed login (lockout and rate limit spelled out). */
export function loginMessage(error: ApiError): string {
  if (error.code === "RATE_LIMITED" || error.status === 429) {
    const wait = error.retryAfter ? formatWait(error.retryAfter) : "a while";
    return `Too many sign-in attempts from this address: sign-in is locked for ${wait}. Try again after that.`;
  }
  if (error.code === "INVALID_CREDENTIALS") return "Wrong username or password.";
  return error.detail ?? error.title;
}

export function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  return `${Math.ceil(seconds / 60)} min`;
}
