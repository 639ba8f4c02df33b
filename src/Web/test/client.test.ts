import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApi, unwrap } from "../src/api/client";
import { ApiError, loginMessage } from "../src/api/problem";

// A real HTTP server on loopback answering the way the GuruConnect server does (RFC 9457 problems).
let server: Server;
let base = "";
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    const problem = (status: number, body: object, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/problem+json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.url === "/api/auth/me") {
      if (req.headers.authorization === "Bearer good") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ id: "1", username: "admin", role: "admin" }));
      } else problem(401, { title: "Unauthorized", status: 401, code: "UNAUTHORIZED", traceId: "00-aa-bb-01" });
    } else if (req.url === "/api/sites") {
      problem(409, { type: "https://guruconnect.dev/errors/site-code-taken", title: "Conflict", status: 409, detail: "Site code ACME is taken.", code: "SITE_CODE_TAKEN", traceId: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });
    } else if (req.url === "/api/auth/login") {
      problem(429, { title: "Too many requests", status: 429, code: "RATE_LIMITED", traceId: "00-cc-dd-01" }, { "Retry-After": "840" });
    } else if (req.url === "/api/users") {
      problem(400, { title: "Invalid request", status: 400, code: "INVALID_REQUEST", errors: { password: ["Use at least 12 characters."] }, traceId: "00-ee-ff-01" });
    } else if (req.url === "/api/tokens") {
      res.writeHead(502, { "Content-Type": "text/html" });
      res.end("Bad gateway");
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("API client wrapper", () => {
  it("adds the bearer token and returns the data", async () => {
    const api = createApi({ baseUrl: base, getToken: () => "good" });
    const me = await unwrap(api.client.GET("/api/auth/me"));
    expect(me.username).toBe("admin");
    expect(seen.at(-1)?.headers.authorization).toBe("Bearer good");
  });

  it("turns a problem into an ApiError with title, detail, code and trace id", async () => {
    const api = createApi({ baseUrl: base, getToken: () => "good" });
    const error = await caught(unwrap(api.client.POST("/api/sites", { body: { siteCode: "ACME", displayName: null, company: null } })));
    expect(error).toMatchObject({ status: 409, title: "Conflict", detail: "Site code ACME is taken.", code: "SITE_CODE_TAKEN", traceId: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });
  });

  it("keeps the validation errors map", async () => {
    const api = createApi({ baseUrl: base, getToken: () => "good" });
    const error = await caught(unwrap(api.client.POST("/api/users", { body: { username: "x", password: "short", role: "admin" } })));
    expect(error.errors).toEqual({ password: ["Use at least 12 characters."] });
  });

  it("signs out on a 401 of an authenticated call", async () => {
    let signedOut = 0;
    const api = createApi({ baseUrl: base, getToken: () => "revoked", onUnauthorized: () => signedOut++ });
    const error = await caught(unwrap(api.client.GET("/api/auth/me")));
    expect(error.code).toBe("UNAUTHORIZED");
    expect(signedOut).toBe(1);
  });

  it("does not sign out on a 401 of a call made without a token (a failed login)", async () => {
    let signedOut = 0;
    const api = createApi({ baseUrl: base, getToken: () => null, onUnauthorized: () => signedOut++ });
    await caught(unwrap(api.client.GET("/api/auth/me")));
    expect(signedOut).toBe(0);
  });

  it("reads Retry-After and words the lockout for the login page", async () => {
    const api = createApi({ baseUrl: base, getToken: () => null });
    const error = await caught(unwrap(api.client.POST("/api/auth/login", { body: { username: "a", password: "b" } })));
    expect(error.retryAfter).toBe(840);
    expect(loginMessage(error)).toBe("Too many sign-in attempts from this address: sign-in is locked for 14 min. Try again after that.");
  });

  it("shows a non-JSON failure (a proxy's page) by its status and text", async () => {
    const api = createApi({ baseUrl: base, getToken: () => "good" });
    const error = await caught(unwrap(api.client.GET("/api/tokens")));
    expect(error.status).toBe(502);
    expect(error.detail).toBe("Bad gateway");
  });

  it("reports an unreachable server as status 0 with a plain title", async () => {
    const api = createApi({ baseUrl: "http://127.0.0.1:1", getToken: () => "good" });
    const error = await caught(unwrap(api.client.GET("/api/auth/me")));
    expect(error.status).toBe(0);
    expect(error.title).toBe("The server could not be reached");
  });

  it("raw() gives routes outside the schema the same auth and errors", async () => {
    const api = createApi({ baseUrl: base, getToken: () => "good" });
    const error = await caught(api.raw("/api/sites/1/installer", { method: "POST", body: "{}" }));
    expect(error.status).toBe(404);
    expect(seen.at(-1)?.headers.authorization).toBe("Bearer good");
    expect(seen.at(-1)?.headers["content-type"]).toBe("application/json");
  });
});
