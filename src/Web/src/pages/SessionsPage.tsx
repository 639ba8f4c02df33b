import { useState } from "react";
import { Link } from "react-router";
import { Modal } from "../components/Modal";
import { dateTime, since } from "../format";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { api, useSession } from "../session";
import { useMachineNames } from "../api/machineNames";
import { ProblemView } from "../components/ProblemView";
import { AgentStatus, ConnectButton } from "../components/SessionCells";
import { EmptyState } from "../components/EmptyState";

export default function SessionsPage() {
  const session = useSession();
  const admin = session?.user.role === "admin";
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ["sessions"], refetchInterval: 5_000, queryFn: ({ signal }) => unwrap(api.client.GET("/api/sessions", { signal })) });
  const end = useMutation({
    mutationFn: (id: string) => unwrap(api.client.DELETE("/api/sessions/{id}", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["sessions"] }),
  });
  const list = sessions.data ?? [];
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const nameOf = useMachineNames();
  return (
    <div className="page">
      <h1>Sessions</h1>
      <p className="muted">Every managed machine has one persistent session; support sessions last while the support agent runs.</p>
      <ProblemView error={sessions.error ?? end.error} onRetry={() => sessions.refetch()} />
      {sessions.isSuccess && list.length === 0 ? (
        <EmptyState title="No sessions.">Sessions appear when an agent connects: enroll a machine through a site installer, or create a support code.</EmptyState>
      ) : (
        <table className="simple" aria-label="Sessions">
          <thead><tr><th>Kind</th><th>Machine</th><th>Agent</th><th>Viewers</th><th>Started</th><th /></tr></thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td>{s.kind}{s.supportCode ? <span className="muted"> · {s.supportCode}</span> : null}</td>
                <td><Link to={`/machines/${s.machineId}`}>{nameOf(s.machineId)}</Link></td>
                <td><AgentStatus online={s.agentOnline} /></td>
                <td>{s.viewers.length ? s.viewers.map((v) => `${v.username}${v.hasControl ? " (control)" : ""} · ${since(v.since)}`).join(", ") : "—"}</td>
                <td>{since(s.startedAt)} ago</td>
                <td className="row-actions">
                  <ConnectButton sessionId={s.id} online={s.agentOnline} />
                  <button type="button" className="small" onClick={() => setHistoryOf(s.id)}>History</button>
                  {admin && <button type="button" className="danger small" onClick={() => end.mutate(s.id)}>End</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {historyOf && <SessionHistory id={historyOf} onClose={() => setHistoryOf(null)} />}
    </div>
  );
}

function SessionHistory({ id, onClose }: { id: string; onClose: () => void }) {
  const events = useQuery({
    queryKey: ["session-events", id],
    queryFn: ({ signal }) => unwrap(api.client.GET("/api/sessions/{id}/events", { params: { path: { id } }, signal })),
  });
  return (
    <Modal open onOpenChange={(o) => !o && onClose()} title="Session history" wide>
      <ProblemView error={events.error} />
      {events.isSuccess && events.data.items.length === 0 ? (
        <EmptyState title="Nothing recorded yet.">Viewer joins and leaves, and the session's removal, appear here.</EmptyState>
      ) : (
        <table className="simple">
          <thead><tr><th>When</th><th>Event</th><th>Who</th></tr></thead>
          <tbody>
            {(events.data?.items ?? []).map((e) => (
              <tr key={e.id}><td>{dateTime(e.at)}</td><td className="mono small">{e.type}</td><td>{e.actor ?? "—"}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  );
}
