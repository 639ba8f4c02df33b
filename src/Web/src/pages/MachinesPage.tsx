import { useDeferredValue, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import * as Checkbox from "@radix-ui/react-checkbox";
import { unwrap, type Schemas } from "../api/client";
import { api, useSession } from "../session";
import { ProblemView } from "../components/ProblemView";
import { EmptyState } from "../components/EmptyState";
import { Modal } from "../components/Modal";
import { ago, compareVersions, idle, since } from "../format";
import { applySuggestion, scopedTerm, suggestFields } from "../search";

type Machine = Schemas["MachineSummary"];
type Site = Schemas["SiteResponse"];
const pageSize = 100;

export function MachinesPage() {
  const [params, setParams] = useSearchParams();
  const session = useSession();
  const admin = session?.user.role === "admin";
  const q = params.get("q") ?? "";
  const siteId = params.get("site") ?? "";
  const status = params.get("status") ?? "";
  const page = Number(params.get("page") ?? "1") || 1;
  const [text, setText] = useState(q);
  const deferred = useDeferredValue(text);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [suggestOpen, setSuggestOpen] = useState(false);
  const queryClient = useQueryClient();

  function update(next: Record<string, string>) {
    const merged = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) merged.set(k, v);
      else merged.delete(k);
    }
    if (!("page" in next)) merged.delete("page");
    setParams(merged, { replace: true });
  }

  // The box drives the query directly (deferred, so typing never waits on rendering); the URL follows.
  const liveQ = deferred.trim();
  const machines = useQuery({
    queryKey: ["machines", liveQ, siteId, status, page],
    refetchInterval: 5_000, // online state and viewers change under the technician's eyes
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      unwrap(
        api.client.GET("/api/machines", {
          params: {
            query: {
              q: liveQ || undefined,
              siteId: siteId || undefined,
              status: status || undefined,
              page,
              pageSize,
            },
          },
          signal,
        }),
      ),
  });
  const sites = useQuery({ queryKey: ["sites"], refetchInterval: 15_000, queryFn: ({ signal }) => unwrap(api.client.GET("/api/sites", { signal })) });

  const remove = useMutation({
    mutationFn: (ids: string[]) => unwrap(api.client.POST("/api/machines/bulk-delete", { body: { ids } })),
    onSuccess: () => {
      setSelected(new Set());
      setConfirmRemove(false);
      queryClient.invalidateQueries({ queryKey: ["machines"] });
      queryClient.invalidateQueries({ queryKey: ["sites"] });
    },
  });

  const items = machines.data?.items ?? [];
  const total = Number(machines.data?.total ?? 0);
  // "Outdated" is against the current release for the machine's platform (GET /api/version); where
  // the server has no published build, against the newest version on this page.
  const releases = useQuery({
    queryKey: ["agent-versions"],
    staleTime: 5 * 60_000,
    queryFn: async ({ signal }) => {
      const current = async (platform: string) =>
        unwrap(api.client.GET("/api/version", { params: { query: { platform } }, signal })).then((v) => v.version, () => undefined);
      return { windows: await current("windows-x64"), linux: await current("linux-x64") };
    },
  });
  const newestOnPage = useMemo(
    () => items.map((m) => m.agentVersion).filter((v): v is string => !!v).sort(compareVersions).pop(),
    [items],
  );
  const currentFor = (m: Machine) =>
    (/windows/i.test(m.inventory.osName ?? "") ? releases.data?.windows : releases.data?.linux) ?? newestOnPage;
  const suggestions = suggestOpen ? suggestFields(text) : [];
  const allSelected = items.length > 0 && items.every((m) => selected.has(m.id));

  return (
    <div className="machines-layout">
      <SiteTree sites={sites.data ?? []} siteId={siteId} q={q} onPick={(next) => {
        setText(next.q ?? text);
        update({ site: next.site ?? "", q: next.q ?? liveQ });
      }} />
      <section className="machines-main">
        <div className="toolbar">
          <div className="search">
            <input
              type="search"
              aria-label="Search machines"
              placeholder="Search: hostname, user, IP… or site:phx user:alice os:windows"
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setSuggestOpen(true);
              }}
              onBlur={() => {
                setTimeout(() => setSuggestOpen(false), 150);
                update({ q: text.trim() });
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter") update({ q: text.trim() });
                if (e.key === "Tab" && suggestions.length > 0) {
                  e.preventDefault();
                  setText(applySuggestion(text, suggestions[0].field));
                }
                if (e.key === "Escape") setSuggestOpen(false);
              }}
              data-testid="machine-search"
            />
            {suggestions.length > 0 && (
              <ul className="suggestions" role="listbox" aria-label="Search fields">
                {suggestions.map((s) => (
                  <li key={s.field} role="option" aria-selected={false} onMouseDown={(e) => {
                    e.preventDefault();
                    setText(applySuggestion(text, s.field));
                  }}>
                    <code>{s.field}</code> <span className="muted">{s.hint}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <select aria-label="Status" value={status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">Any status</option>
            <option value="online">Online</option>
            <option value="offline">Offline</option>
            <option value="pending">Pending approval</option>
          </select>
          <select aria-label="Site" value={siteId} onChange={(e) => update({ site: e.target.value })}>
            <option value="">All sites</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.displayName || s.siteCode}
              </option>
            ))}
          </select>
          <span className="muted count" data-testid="machine-count" data-results-for={machines.isSuccess && !machines.isPlaceholderData ? liveQ : undefined}>
            {machines.isFetching ? "…" : `${total} machine${total === 1 ? "" : "s"}`}
          </span>
          {admin && (
            <button type="button" className="danger" disabled={selected.size === 0} onClick={() => setConfirmRemove(true)}>
              Remove selected ({selected.size})
            </button>
          )}
        </div>
        <ProblemView error={machines.error} onRetry={() => machines.refetch()} />
        <ProblemView error={remove.error} />
        {machines.isSuccess && items.length === 0 ? (
          liveQ || siteId || status ? (
            <EmptyState title="No machine matches this search.">
              Clear the search or filters, or try a field like <code>site:</code> or <code>user:</code>.
            </EmptyState>
          ) : (
            <EmptyState title="No machines yet.">
              Create a site on the <Link to="/sites">Sites</Link> page, issue its enrollment key and run its installer on a machine;
              it appears here when it enrolls. For a one-off session, create a <Link to="/codes">support code</Link>.
            </EmptyState>
          )
        ) : (
          <MachineTable
            items={items}
            currentFor={currentFor}
            admin={admin}
            selected={selected}
            allSelected={allSelected}
            onToggle={(id) => {
              const next = new Set(selected);
              if (next.has(id)) next.delete(id);
              else next.add(id);
              setSelected(next);
            }}
            onToggleAll={() => setSelected(allSelected ? new Set() : new Set(items.map((m) => m.id)))}
          />
        )}
        {total > pageSize && (
          <div className="pager">
            <button type="button" disabled={page <= 1} onClick={() => update({ page: String(page - 1) })}>
              ‹ Previous
            </button>
            <span className="muted">
              Page {page} of {Math.ceil(total / pageSize)}
            </span>
            <button type="button" disabled={page * pageSize >= total} onClick={() => update({ page: String(page + 1) })}>
              Next ›
            </button>
          </div>
        )}
      </section>
      <Modal open={confirmRemove} onOpenChange={setConfirmRemove} title={`Remove ${selected.size} machine${selected.size === 1 ? "" : "s"}?`}>
        <p>
          Removed machines leave the list and their live sessions end. A removed machine that enrolls again comes back.
        </p>
        <ProblemView error={remove.error} />
        <div className="actions">
          <button type="button" onClick={() => setConfirmRemove(false)}>
            Cancel
          </button>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate([...selected])}>
            Remove
          </button>
        </div>
      </Modal>
    </div>
  );
}

function SiteTree({ sites, siteId, q, onPick }: { sites: Site[]; siteId: string; q: string; onPick: (next: { site?: string; q?: string }) => void }) {
  const companies = useMemo(() => {
    const map = new Map<string, Site[]>();
    for (const s of sites) {
      const key = s.company?.trim() || "";
      map.set(key, [...(map.get(key) ?? []), s]);
    }
    return [...map.entries()].sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
  }, [sites]);
  return (
    <nav className="tree" aria-label="Companies and sites">
      <button type="button" className={!siteId && !q.includes("company:") ? "tree-item active" : "tree-item"} onClick={() => onPick({ site: "", q: "" })}>
        All machines
      </button>
      {companies.map(([company, list]) => {
        const term = company ? scopedTerm("company", company) : "";
        const count = list.reduce((n, s) => n + Number(s.machineCount), 0);
        return (
          <div key={company} className="tree-group">
            <button
              type="button"
              className={term && q === term && !siteId ? "tree-item company active" : "tree-item company"}
              onClick={() => company && onPick({ site: "", q: term })}
              disabled={!company}
            >
              <span>{company || "No company"}</span> <span className="badge">{count}</span>
            </button>
            {list.map((s) => (
              <button key={s.id} type="button" className={siteId === s.id ? "tree-item site active" : "tree-item site"} onClick={() => onPick({ site: s.id, q: "" })}>
                <span>{s.displayName || s.siteCode}</span> <span className="badge">{Number(s.machineCount)}</span>
              </button>
            ))}
          </div>
        );
      })}
      {sites.length === 0 && <p className="muted small">No sites yet: create one on the Sites page.</p>}
    </nav>
  );
}

const rowHeight = 44;

function MachineTable(props: {
  items: Machine[];
  currentFor: (m: Machine) => string | undefined;
  admin: boolean;
  selected: Set<string>;
  allSelected: boolean;
  onToggle: (id: string) => void;
  onToggleAll: () => void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: props.items.length, getScrollElement: () => parent.current, estimateSize: () => rowHeight, overscan: 12 });
  const navigate = useNavigate();
  return (
    <div className="table machines-table" role="table" aria-label="Machines" aria-rowcount={props.items.length + 1}>
      <div className="tr th" role="row">
        <span role="columnheader" className="c-check">
          {props.admin && (
            <Checkbox.Root className="checkbox" checked={props.allSelected} onCheckedChange={props.onToggleAll} aria-label="Select all on this page">
              <Checkbox.Indicator>✓</Checkbox.Indicator>
            </Checkbox.Root>
          )}
        </span>
        <span role="columnheader" className="c-status">Status</span>
        <span role="columnheader" className="c-name">Machine</span>
        <span role="columnheader" className="c-labels">Labels</span>
        <span role="columnheader" className="c-user">User</span>
        <span role="columnheader" className="c-os">OS</span>
        <span role="columnheader" className="c-version">Agent</span>
        <span role="columnheader" className="c-seen">Last seen</span>
      </div>
      <div ref={parent} className="tbody">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((row) => {
            const m = props.items[row.index];
            const current = props.currentFor(m);
            const outdated = !!current && !!m.agentVersion && compareVersions(m.agentVersion, current) < 0;
            return (
              <div
                key={m.id}
                role="row"
                className={props.selected.has(m.id) ? "tr selected" : "tr"}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${row.start}px)` }}
                data-testid="machine-row"
                onDoubleClick={() => navigate(`/machines/${m.id}`)}
              >
                <span role="cell" className="c-check">
                  {props.admin && (
                    <Checkbox.Root className="checkbox" checked={props.selected.has(m.id)} onCheckedChange={() => props.onToggle(m.id)} aria-label={`Select ${m.hostname}`}>
                      <Checkbox.Indicator>✓</Checkbox.Indicator>
                    </Checkbox.Root>
                  )}
                </span>
                <span role="cell" className="c-status">
                  <Status m={m} />
                </span>
                <span role="cell" className="c-name">
                  <Link to={`/machines/${m.id}`}>{m.displayName || m.hostname}</Link>
                  <span className="muted small">{m.site ? m.site.displayName || m.site.siteCode : "no site"}</span>
                </span>
                <span role="cell" className="c-labels">
                  {[m.labels.company, m.labels.department, m.labels.deviceType].filter(Boolean).map((l) => (
                    <span key={l} className="chip">{l}</span>
                  ))}
                  {m.labels.tags.map((t) => (
                    <span key={t} className="chip tag">#{t}</span>
                  ))}
                </span>
                <span role="cell" className="c-user">
                  {m.inventory.loggedOnUser || <span className="muted">nobody</span>}
                  {m.inventory.loggedOnUser && idle(m.inventory.userIdleSince, m.online) && <span className="muted small" data-testid="idle"> · {idle(m.inventory.userIdleSince, m.online)}</span>}
                </span>
                <span role="cell" className="c-os" title={`${m.inventory.osName ?? ""} ${m.inventory.osVersion ?? ""}`}>
                  {m.inventory.osName ?? "—"}
                </span>
                <span role="cell" className="c-version">
                  {m.agentVersion ?? "—"}
                  {outdated && <span className="chip warn" title={`The current agent is ${current}`}>outdated</span>}
                </span>
                <span role="cell" className="c-seen">{m.online ? "now" : ago(m.lastSeen)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export function Status({ m }: { m: Pick<Machine, "online" | "enrollmentState" | "activeViewers"> }) {
  if (m.enrollmentState === "pending") return <span className="chip pending" title="Waiting for an admin to approve it">pending</span>;
  if (m.activeViewers.length > 0) {
    const v = m.activeViewers[0];
    return (
      <span className="status connected" title={m.activeViewers.map((a) => `${a.username} for ${since(a.since)}`).join(", ")}>
        <span className="dot connected" /> {v.username} · {since(v.since)}
        {m.activeViewers.length > 1 && ` +${m.activeViewers.length - 1}`}
      </span>
    );
  }
  return (
    <span className="status">
      <span className={m.online ? "dot online" : "dot"} /> {m.online ? "online" : "offline"}
    </span>
  );
}
