import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { api, useSession } from "../session";
import { ProblemView } from "../components/ProblemView";
import { EmptyState } from "../components/EmptyState";
import { Modal } from "../components/Modal";
import { CopyButton } from "../components/CopyButton";
import { bytes, dateTime, duration, idle, since } from "../format";
import { Status } from "./MachinesPage";

export default function MachineDetailPage() {
  const { id = "" } = useParams();
  const session = useSession();
  const admin = session?.user.role === "admin";
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [issuedKey, setIssuedKey] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);

  const machine = useQuery({
    queryKey: ["machine", id],
    refetchInterval: 10_000,
    queryFn: ({ signal }) => unwrap(api.client.GET("/api/machines/{id}", { params: { path: { id } }, signal })),
  });
  const keys = useQuery({
    queryKey: ["machine-keys", id],
    enabled: admin,
    queryFn: ({ signal }) => unwrap(api.client.GET("/api/machines/{id}/keys", { params: { path: { id } }, signal })),
  });
  const sessions = useQuery({ queryKey: ["sessions"], queryFn: ({ signal }) => unwrap(api.client.GET("/api/sessions", { signal })) });
  const invalidate = () => {
    queryClient.invalidateQueries({ queryKey: ["machine", id] });
    queryClient.invalidateQueries({ queryKey: ["machine-keys", id] });
    queryClient.invalidateQueries({ queryKey: ["machines"] });
  };
  const approve = useMutation({ mutationFn: () => unwrap(api.client.POST("/api/machines/{id}/approve", { params: { path: { id } } })), onSuccess: invalidate });
  const remove = useMutation({
    mutationFn: () => unwrap(api.client.DELETE("/api/machines/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      invalidate();
      navigate("/machines");
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => unwrap(api.client.DELETE("/api/machines/{id}/keys/{keyId}", { params: { path: { id, keyId } } })),
    onSuccess: invalidate,
  });
  const issue = useMutation({
    mutationFn: () => unwrap(api.client.POST("/api/machines/{id}/keys", { params: { path: { id } } })),
    onSuccess: (k) => {
      setIssuedKey(k.key);
      invalidate();
    },
  });

  if (machine.error) return <div className="page"><ProblemView error={machine.error} onRetry={() => machine.refetch()} /></div>;
  const m = machine.data;
  if (!m) return <div className="loading">Loading…</div>;
  const inv = m.inventory;
  const managed = sessions.data?.find((s) => s.machineId === m.id);

  return (
    <div className="page">
      <p className="crumbs">
        <Link to="/machines">Machines</Link> › {m.displayName || m.hostname}
      </p>
      <div className="page-head">
        <h1>{m.displayName || m.hostname}</h1>
        <Status m={m} />
        <span className="spacer" />
        {managed && (
          <button type="button" className="primary" disabled={!managed.agentOnline} title={managed.agentOnline ? "Open the viewer" : "The agent is offline"}
            onClick={() => window.open(`/connect/${managed.id}`, `gc-${managed.id}`)}>
            Connect
          </button>
        )}
        {admin && m.enrollmentState === "pending" && (
          <button type="button" onClick={() => approve.mutate()} disabled={approve.isPending}>
            Approve
          </button>
        )}
        {admin && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit labels
          </button>
        )}
        {admin && (
          <button type="button" className="danger" onClick={() => setConfirmRemove(true)}>
            Remove
          </button>
        )}
      </div>
      <ProblemView error={approve.error ?? revoke.error ?? issue.error ?? sessions.error} />
      {m.enrollmentState === "pending" && (
        <div className="notice">
          This machine is <b>pending</b>: a machine with the same identity enrolled while another was online
          {m.pendingHostname ? <> (new hostname <b>{m.pendingHostname}</b>)</> : null}. Approve it if it is the same machine, or remove it.
        </div>
      )}
      <div className="grid2">
        <section className="card">
          <h2>Machine</h2>
          <dl className="facts">
            <dt>Hostname</dt><dd>{m.hostname}</dd>
            <dt>Site</dt><dd>{m.site ? `${m.site.displayName || m.site.siteCode} (${m.site.siteCode})` : "—"}</dd>
            <dt>Company</dt><dd>{m.labels.company || "—"}</dd>
            <dt>Site label</dt><dd>{m.labels.site || "—"}</dd>
            <dt>Department</dt><dd>{m.labels.department || "—"}</dd>
            <dt>Device type</dt><dd>{m.labels.deviceType || "—"}</dd>
            <dt>Tags</dt><dd>{m.labels.tags.length ? m.labels.tags.map((t) => <span key={t} className="chip tag">#{t}</span>) : "—"}</dd>
            <dt>Agent version</dt><dd>{m.agentVersion || "—"}</dd>
            <dt>Last seen</dt><dd>{m.online ? "online now" : dateTime(m.lastSeen)}</dd>
            <dt>Viewers</dt><dd>{m.activeViewers.length ? m.activeViewers.map((v) => `${v.username} (${since(v.since)})`).join(", ") : "none"}</dd>
            <dt>Machine uid</dt><dd className="mono small">{m.machineUid || "—"} {m.uidScope ? <span className="muted">({m.uidScope})</span> : null}</dd>
            <dt>Enrolled</dt><dd>{dateTime(m.createdAt)}</dd>
          </dl>
        </section>
        <section className="card">
          <h2>Inventory</h2>
          <dl className="facts">
            <dt>OS</dt><dd>{[inv.osName, inv.osVersion].filter(Boolean).join(" ") || "—"}</dd>
            <dt>Logged-on user</dt>
            <dd>
              {inv.loggedOnUser || "nobody"}
              {inv.loggedOnUser && idle(inv.userIdleSince, m.online) && <span className="muted" data-testid="idle"> · {idle(inv.userIdleSince, m.online)}</span>}
            </dd>
            <dt>CPU</dt><dd>{inv.cpuModel ? `${inv.cpuModel}${inv.cpuCores ? ` (${inv.cpuCores} cores)` : ""}` : "—"}</dd>
            <dt>Memory</dt><dd>{bytes(inv.ramBytes)}</dd>
            <dt>Hardware</dt><dd>{[inv.manufacturer, inv.model].filter(Boolean).join(" ") || "—"}</dd>
            <dt>Serial</dt><dd>{inv.serialNumber || "—"}</dd>
            <dt>Private IPs</dt><dd>{inv.privateIps.join(", ") || "—"}</dd>
            <dt>External IP</dt><dd>{inv.externalIp || "—"}</dd>
            <dt>MACs</dt><dd className="mono small">{inv.macs.join(", ") || "—"}</dd>
            <dt>Time zone</dt><dd>{inv.timeZone || "—"}</dd>
            <dt>Uptime</dt><dd>{inv.uptimeSeconds != null ? duration(Number(inv.uptimeSeconds)) : "—"}</dd>
            <dt>Agent is admin</dt><dd>{inv.isAdmin == null ? "—" : inv.isAdmin ? "yes" : "no"}</dd>
          </dl>
        </section>
      </div>
      {admin && (
        <section className="card">
          <div className="page-head">
            <h2>Machine keys</h2>
            <span className="spacer" />
            <button type="button" onClick={() => issue.mutate()} disabled={issue.isPending}>Issue a new key</button>
          </div>
          <p className="muted small">The agent authenticates with its <code>cak_</code> key. Revoking a key disconnects the agent using it at once.</p>
          <ProblemView error={keys.error} />
          {keys.data && keys.data.length === 0 ? (
            <EmptyState title="This machine has no key.">It gets one when it enrolls, or issue one here and give it to the agent.</EmptyState>
          ) : (
            <table className="simple">
              <thead><tr><th>Key</th><th>Created</th><th>Last used</th><th>State</th><th /></tr></thead>
              <tbody>
                {(keys.data ?? []).map((k) => (
                  <tr key={k.keyId}>
                    <td className="mono small">{k.keyId}</td>
                    <td>{dateTime(k.createdAt)}</td>
                    <td>{dateTime(k.lastUsedAt)}</td>
                    <td>{k.revokedAt ? <span className="chip">revoked {dateTime(k.revokedAt)}</span> : <span className="chip ok">active</span>}</td>
                    <td>{!k.revokedAt && <button type="button" className="danger small" onClick={() => revoke.mutate(k.keyId)}>Revoke</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      <Modal open={confirmRemove} onOpenChange={setConfirmRemove} title={`Remove ${m.hostname}?`}>
        <p>It leaves the list and its live session ends. If it enrolls again, it comes back.</p>
        <ProblemView error={remove.error} />
        <div className="actions">
          <button type="button" onClick={() => setConfirmRemove(false)}>Cancel</button>
          <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>Remove</button>
        </div>
      </Modal>
      {editing && <EditLabels machine={m} onClose={() => setEditing(false)} />}
      <Modal open={issuedKey !== null} onOpenChange={(o) => !o && setIssuedKey(null)} title="New machine key">
        <p>Shown once. Put it in the agent's credential store; it is stored only as a hash.</p>
        <div className="secret"><code data-testid="issued-key">{issuedKey}</code> <CopyButton text={issuedKey ?? ""} /></div>
      </Modal>
    </div>
  );
}

function EditLabels({ machine, onClose }: { machine: Schemas["MachineDetail"]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    displayName: machine.displayName ?? "",
    company: machine.labels.company ?? "",
    site: machine.labels.site ?? "",
    department: machine.labels.department ?? "",
    deviceType: machine.labels.deviceType ?? "",
    tags: machine.labels.tags.join(" "),
  });
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.client.PATCH("/api/machines/{id}", {
          params: { path: { id: machine.id } },
          body: { ...form, tags: form.tags.split(/[\s,]+/).filter(Boolean) },
        }),
      ),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ["machine", machine.id] });
      queryClient.invalidateQueries({ queryKey: ["machines"] });
      onClose();
    },
  });
  const field = (k: keyof typeof form, label: string) => (
    <label>
      {label}
      <input value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
    </label>
  );
  return (
    <Modal open onOpenChange={(o) => !o && onClose()} title={`Labels of ${machine.hostname}`}>
      <form className="form" onSubmit={(e) => (e.preventDefault(), save.mutate())}>
        {field("displayName", "Display name")}
        {field("company", "Company")}
        {field("site", "Site label")}
        {field("department", "Department")}
        {field("deviceType", "Device type")}
        {field("tags", "Tags (space or comma separated)")}
        <ProblemView error={save.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={save.isPending}>Save</button>
        </div>
      </form>
    </Modal>
  );
}
