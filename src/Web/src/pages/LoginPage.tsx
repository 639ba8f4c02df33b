import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { unwrap } from "../api/client";
import { safeNext } from "../format";
import { ApiError, loginMessage } from "../api/problem";
import { api, setSession, useSession } from "../session";

export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get("next"));

  if (session) return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await unwrap(api.client.POST("/api/auth/login", { body: { username, password } }));
      setSession({ token: result.token, expiresAt: result.expiresAt, user: result.user });
      navigate(next, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError({ status: 0, title: String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">GuruConnect</h1>
        <p className="muted">Sign in to the console.</p>
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <div className="problem" role="alert" data-testid="problem">
            <div className="problem-title">{loginMessage(error)}</div>
            <div className="problem-meta">
              {error.code && <span>code <code>{error.code}</code></span>}
              {error.traceId && <span>trace id <code data-testid="trace-id">{error.traceId}</code></span>}
            </div>
          </div>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
