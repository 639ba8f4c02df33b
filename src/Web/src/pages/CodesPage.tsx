import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { api } from "../session";
import { useMachineNames } from "../api/machineNames";
import { ProblemView } from "../components/ProblemView";
import { AgentStatus, ConnectButton } from "../components/SessionCells";
import { EmptyState } from "../components/EmptyState";
import { CopyButton } from "../components/CopyButton";
import { dateTime, since } from "../format";

export default function CodesPage() {
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const [created, setCreated] = useState<Schemas["SupportCodeCreatedResponse"] | null>(null);
  const codes = useQuery({ queryKey: ["codes"], refetchInterval: 5_000, queryFn: ({ signal }) => unwrap(api.client.GET("/api/codes", { signal })) });
  const sessions = useQuery({ queryKey: ["sessions"], refetchInterval: 3_000, queryFn: ({ signal }) => unwrap(api.client.GET("/api/sessions", { signal })) });
  const create = useMutation({
    mutationFn: () => unwrap(api.client.POST("/api/codes", { body: { note: note || null } })),
    onSuccess: (c) => {
      setCreated(c);
      setNote("");
      queryClient.invalidateQueries({ queryKey: ["codes"] });
    },
  });
  const cancel = useMutation({
    mutationFn: (code: string) => unwrap(api.client.POST("/api/codes/{code}/cancel", { params: { path: { code } } })),
    onSuccess: (_, code) => {
      if (created?.code === code) setCreated(null);
      queryClient.invalidateQueries({ queryKey: ["codes"] });
    },
  });
  const support = (sessions.data ?? []).filter((s) => s.kind === "support");
  const nameOf = useMachineNames();

  return (
    <div className="page">
      <h1>Support codes</h1>
      <p className="muted">
        For attended support: read the 6-digit code to the end user. They open this server's support page, enter it, and run the support agent; the session appears below.
      </p>
      <form className="inline-form card" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
        <label>
          Note (for your list, e.g. the caller's name)
          <input name="note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>Create code</button>
      </form>
      <ProblemView error={create.error ?? cancel.error} />
      {created && (
        <div className="card code-card">
          <div className="big-code" data-testid="support-code" aria-label={`Support code ${created.code.split("").join(" ")}`}>
            {created.code.slice(0, 3)} {created.code.slice(3)}
          </div>
          <div>
            Valid until {dateTime(created.expiresAt)} or until used. <CopyButton text={created.code} label="Copy code" />{" "}
            <CopyButton text={`${location.origin}/download/support/${created.code}`} label="Copy download link" />
          </div>
        </div>
      )}
      <h2>Live support sessions</h2>
      <ProblemView error={sessions.error} />
      {sessions.isSuccess && support.length === 0 ? (
        <EmptyState title="No support session is live.">When the end user runs the support agent with a code, the session shows up here within seconds.</EmptyState>
      ) : (
        <table className="simple" aria-label="Support sessions">
          <thead><tr><th>Code</th><th>Machine</th><th>Agent</th><th>Started</th><th>Viewers</th><th /></tr></thead>
          <tbody>
            {support.map((s) => (
              <tr key={s.id} data-testid="support-session">
                <td className="mono">{s.supportCode ?? "—"}</td>
                <td>{nameOf(s.machineId)}</td>
                <td><AgentStatus online={s.agentOnline} /></td>
                <td>{since(s.startedAt)} ago</td>
                <td>{s.viewers.map((v) => v.username).join(", ") || "—"}</td>
                <td><ConnectButton sessionId={s.id} online={s.agentOnline} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Live codes</h2>
      <ProblemView error={codes.error} />
      {codes.isSuccess && codes.data.length === 0 ? (
        <EmptyState title="No live codes.">Create one above when a caller needs help; it expires after 30 minutes.</EmptyState>
      ) : (
        <table className="simple" aria-label="Support codes">
          <thead><tr><th>Code</th><th>Note</th><th>Created by</th><th>Expires</th><th /></tr></thead>
          <tbody>
            {(codes.data ?? []).map((c) => (
              <tr key={c.code} data-testid="code-row">
                <td className="mono">{c.code}</td>
                <td>{c.note || "—"}</td>
                <td>{c.createdBy}</td>
                <td>{dateTime(c.expiresAt)}</td>
                <td><button type="button" className="small" onClick={() => cancel.mutate(c.code)}>Cancel</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
