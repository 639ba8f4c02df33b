import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { api } from "../session";
import { ProblemView } from "../components/ProblemView";
import { EmptyState } from "../components/EmptyState";
import { CopyButton } from "../components/CopyButton";
import { dateTime } from "../format";

export default function TokensPage() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [created, setCreated] = useState<Schemas["CreatedApiToken"] | null>(null);
  const tokens = useQuery({ queryKey: ["tokens"], queryFn: ({ signal }) => unwrap(api.client.GET("/api/tokens", { signal })) });
  const create = useMutation({
    mutationFn: () => unwrap(api.client.POST("/api/tokens", { body: { name, expiresInDays: days ? Number(days) : null } })),
    onSuccess: (t) => (setCreated(t), setName(""), queryClient.invalidateQueries({ queryKey: ["tokens"] })),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.client.DELETE("/api/tokens/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["tokens"] }),
  });
  return (
    <div className="page">
      <h1>Personal API tokens</h1>
      <p className="muted">A token acts as you, with your role, on the REST API (<code>Authorization: Bearer gcp_…</code>). See <a href="/api/docs">the API reference</a>.</p>
      <form className="inline-form card" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
        <label>Name<input value={name} onChange={(e) => setName(e.target.value)} required placeholder="billing export" /></label>
        <label>Expires in (days)<input type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} /></label>
        <button type="submit" className="primary" disabled={create.isPending}>Create token</button>
      </form>
      <ProblemView error={create.error ?? revoke.error} />
      {created && (
        <div className="card">
          <p><b>Shown once.</b> Copy it now; the server keeps only a hash.</p>
          <div className="secret"><code data-testid="api-token">{created.token}</code> <CopyButton text={created.token} /></div>
        </div>
      )}
      <ProblemView error={tokens.error} />
      {tokens.isSuccess && tokens.data.length === 0 ? (
        <EmptyState title="No API tokens.">Create one above for a script or integration.</EmptyState>
      ) : (
        <table className="simple" aria-label="API tokens">
          <thead><tr><th>Name</th><th>Created</th><th>Expires</th><th>Last used</th><th>State</th><th /></tr></thead>
          <tbody>
            {(tokens.data ?? []).map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{dateTime(t.createdAt)}</td>
                <td>{t.expiresAt ? dateTime(t.expiresAt) : "never"}</td>
                <td>{dateTime(t.lastUsedAt)}</td>
                <td>{t.revokedAt ? <span className="chip">revoked</span> : <span className="chip ok">active</span>}</td>
                <td>{!t.revokedAt && <button type="button" className="danger small" onClick={() => revoke.mutate(t.id)}>Revoke</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
