import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { unwrap } from "../api/client";
import { api, useSession } from "../session";
import { ProblemView } from "../components/ProblemView";
import { EmptyState } from "../components/EmptyState";
import { dateTime } from "../format";

const types = [
  "login_succeeded", "login_failed", "login_rate_limited", "logout", "user_created", "user_updated", "user_deleted", "site_created",
  "enrollment_key_rotated", "enroll_new", "enroll_reuse", "enroll_rejected", "enroll_site_conflict", "enroll_collision_pending",
  "machine_approved", "machine_removed", "machine_key_issued", "machine_key_revoked", "viewer_joined", "viewer_left", "session_removed",
];

export default function AuditPage() {
  const session = useSession();
  const [filters, setFilters] = useState({ type: "", machineId: "", since: "", until: "" });
  const [page, setPage] = useState(1);
  const events = useQuery({
    queryKey: ["events", filters, page],
    placeholderData: keepPreviousData,
    enabled: session?.user.role === "admin",
    queryFn: ({ signal }) =>
      unwrap(
        api.client.GET("/api/events", {
          params: {
            query: {
              type: filters.type || undefined,
              machineId: filters.machineId || undefined,
              since: filters.since ? new Date(filters.since).toISOString() : undefined,
              until: filters.until ? new Date(filters.until).toISOString() : undefined,
              page,
              pageSize: 50,
            },
          },
          signal,
        }),
      ),
  });
  if (session?.user.role !== "admin") return <div className="page"><h1>Audit log</h1><p>Only admins read the audit log.</p></div>;
  const set = (k: keyof typeof filters) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => (setFilters({ ...filters, [k]: e.target.value }), setPage(1));
  const total = Number(events.data?.total ?? 0);
  return (
    <div className="page">
      <h1>Audit log</h1>
      <div className="toolbar">
        <input list="audit-types" aria-label="Event type" placeholder="Event type" value={filters.type} onChange={set("type")} />
        <datalist id="audit-types">{types.map((t) => <option key={t} value={t} />)}</datalist>
        <input aria-label="Machine id" placeholder="Machine id" value={filters.machineId} onChange={set("machineId")} />
        <label className="inline">Since <input type="datetime-local" value={filters.since} onChange={set("since")} /></label>
        <label className="inline">Until <input type="datetime-local" value={filters.until} onChange={set("until")} /></label>
        <span className="muted">{total} event{total === 1 ? "" : "s"}</span>
      </div>
      <ProblemView error={events.error} onRetry={() => events.refetch()} />
      {events.isSuccess && events.data.items.length === 0 ? (
        <EmptyState title="No events match.">Clear the filters; every sign-in, key change, enrollment and viewer join lands here.</EmptyState>
      ) : (
        <table className="simple" aria-label="Audit events">
          <thead><tr><th>When</th><th>Type</th><th>Actor</th><th>Machine</th><th>IP</th><th>Details</th></tr></thead>
          <tbody>
            {(events.data?.items ?? []).map((e) => (
              <tr key={e.id}>
                <td>{dateTime(e.at)}</td>
                <td className="mono small">{e.type}</td>
                <td>{e.actor ?? "—"}</td>
                <td className="mono small">{e.machineId?.slice(0, 8) ?? "—"}</td>
                <td>{e.ip ?? "—"}</td>
                <td className="mono small details">{e.details && typeof e.details === "object" ? JSON.stringify(e.details) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > 50 && (
        <div className="pager">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>‹ Newer</button>
          <span className="muted">Page {page} of {Math.ceil(total / 50)}</span>
          <button type="button" disabled={page * 50 >= total} onClick={() => setPage(page + 1)}>Older ›</button>
        </div>
      )}
    </div>
  );
}
