import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type Schemas } from "../api/client";
import { api, useSession } from "../session";
import { ProblemView } from "../components/ProblemView";
import { EmptyState } from "../components/EmptyState";
import { Modal } from "../components/Modal";
import { CopyButton } from "../components/CopyButton";
import { dateTime } from "../format";

type Site = Schemas["SiteResponse"];
type Rotated = Schemas["RotatedKeyResponse"];

export default function SitesPage() {
  const session = useSession();
  const admin = session?.user.role === "admin";
  const queryClient = useQueryClient();
  const sites = useQuery({ queryKey: ["sites"], queryFn: ({ signal }) => unwrap(api.client.GET("/api/sites", { signal })) });
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<Site | null>(null);
  const [rotated, setRotated] = useState<Rotated | null>(null);
  const [installerFor, setInstallerFor] = useState<Site | null>(null);

  const rotate = useMutation({
    mutationFn: (site: Site) => unwrap(api.client.POST("/api/sites/{id}/enrollment-key/rotate", { params: { path: { id: site.id } } })),
    onSuccess: (key) => {
      setRotating(null);
      setRotated(key);
      queryClient.invalidateQueries({ queryKey: ["sites"] });
    },
  });

  return (
    <div className="page">
      <div className="page-head">
        <h1>Sites</h1>
        <span className="spacer" />
        {admin && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New site
          </button>
        )}
      </div>
      <p className="muted">A site is what one installer targets: its machines enroll with the site's enrollment key.</p>
      <ProblemView error={sites.error} onRetry={() => sites.refetch()} />
      {sites.isSuccess && sites.data.length === 0 ? (
        <EmptyState title="No sites yet.">
          {admin ? "Create a site with “New site”, then rotate its key to get the first enrollment key and build its installer." : "Ask an admin to create a site."}
        </EmptyState>
      ) : (
        <table className="simple" aria-label="Sites">
          <thead>
            <tr><th>Site code</th><th>Name</th><th>Company</th><th>Enrollment key</th><th>Machines</th><th>Created</th><th /></tr>
          </thead>
          <tbody>
            {(sites.data ?? []).map((s) => (
              <tr key={s.id} data-testid="site-row">
                <td className="mono">{s.siteCode}</td>
                <td>{s.displayName || "—"}</td>
                <td>{s.company || "—"}</td>
                <td>{s.currentKey ? <span className="chip ok mono" data-testid="fingerprint">{s.currentKey.fingerprintLabel}</span> : <span className="muted">none issued</span>}</td>
                <td><Link to={`/machines?site=${s.id}`}>{Number(s.machineCount)}</Link></td>
                <td>{dateTime(s.createdAt)}</td>
                <td className="row-actions">
                  {admin && (
                    <>
                      <button type="button" onClick={() => setRotating(s)}>{s.currentKey ? "Rotate key" : "Issue key"}</button>
                      <button type="button" onClick={() => setInstallerFor(s)}>Build installer</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CreateSite open={creating} onOpenChange={setCreating} />
      <Modal open={rotating !== null} onOpenChange={(o) => !o && (setRotating(null), rotate.reset())} title={rotating?.currentKey ? `Rotate the key of ${rotating?.siteCode}?` : `Issue the first key of ${rotating?.siteCode}?`}>
        <p>
          {rotating?.currentKey
            ? `The current key ${rotating.currentKey.fingerprintLabel} stops working for new enrollments at once. Enrolled machines keep working. Installers built with the old key must be rebuilt.`
            : "The new key is shown once; build the site's installer with it."}
        </p>
        <ProblemView error={rotate.error} />
        <div className="actions">
          <button type="button" onClick={() => setRotating(null)}>Cancel</button>
          <button type="button" className="primary" disabled={rotate.isPending} onClick={() => rotating && rotate.mutate(rotating)}>
            {rotating?.currentKey ? "Rotate" : "Issue"}
          </button>
        </div>
      </Modal>
      <Modal open={rotated !== null} onOpenChange={(o) => !o && setRotated(null)} title={`Enrollment key ${rotated?.fingerprintLabel ?? ""}`} wide>
        <p>
          <b>Shown once.</b> The server keeps only a hash: copy it now into the installer build or your deployment tool. Check it by its fingerprint{" "}
          <b className="mono" data-testid="rotated-fingerprint">{rotated?.fingerprintLabel}</b>.
        </p>
        <div className="secret">
          <code data-testid="enrollment-key">{rotated?.key}</code> <CopyButton text={rotated?.key ?? ""} />
        </div>
        <div className="actions">
          <button type="button" onClick={() => {
            const site = sites.data?.find((s) => s.id === rotated?.siteId) ?? null;
            setInstallerFor(site ? { ...site, currentKey: rotated ? { version: rotated.version, fingerprint: rotated.fingerprint, fingerprintLabel: rotated.fingerprintLabel } : site.currentKey } : null);
          }}>Build installer with this key</button>
          <button type="button" className="primary" onClick={() => setRotated(null)}>Done, I copied it</button>
        </div>
      </Modal>
      <InstallerDialog site={installerFor} knownKey={rotated?.siteId === installerFor?.id ? rotated?.key : undefined} onClose={() => setInstallerFor(null)} />
    </div>
  );
}

function CreateSite({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const [siteCode, setSiteCode] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [company, setCompany] = useState("");
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => unwrap(api.client.POST("/api/sites", { body: { siteCode, displayName: displayName || null, company: company || null } })),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ["sites"] });
      onOpenChange(false);
      setSiteCode("");
      setDisplayName("");
      setCompany("");
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <Modal open={open} onOpenChange={(o) => (onOpenChange(o), create.reset())} title="New site">
      <form onSubmit={submit} className="form">
        <label>
          Site code
          <input name="siteCode" value={siteCode} onChange={(e) => setSiteCode(e.target.value)} required placeholder="ACME-PHX" pattern="[A-Za-z0-9][A-Za-z0-9._\-]{1,63}" title="2 to 64 letters, digits, dot, dash or underscore; starts with a letter or digit" />
        </label>
        <label>
          Display name
          <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} placeholder="Acme — Phoenix office" />
        </label>
        <label>
          Company
          <input name="company" value={company} onChange={(e) => setCompany(e.target.value)} placeholder="Acme" />
        </label>
        <ProblemView error={create.error} />
        <div className="actions">
          <button type="button" onClick={() => onOpenChange(false)}>Cancel</button>
          <button type="submit" className="primary" disabled={create.isPending}>Create site</button>
        </div>
      </form>
    </Modal>
  );
}

interface InstallerLink {
  url: string;
  expiresAt: string;
  fileName: string;
  fingerprintLabel: string;
}

const formats = [
  { value: "msi", label: "Windows MSI (GPO / Intune, no prompts)" },
  { value: "deb", label: "Debian / Ubuntu .deb" },
  { value: "sh", label: "Linux shell script" },
];

/**
 * Builds a site installer (docs/installers.md, POST /api/sites/{id}/installer): the server stores only
 * the key's hash, so the admin gives the plaintext key, or rotates and builds in one step. Download
 * streams the file; Copy URL asks for a time-limited link instead. Every failure is the server's problem.
 */
function InstallerDialog({ site, knownKey, onClose }: { site: Site | null; knownKey?: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [format, setFormat] = useState("msi");
  const [key, setKey] = useState("");
  const [rotate, setRotate] = useState(false);
  const [labels, setLabels] = useState({ company: "", site: "", department: "", deviceType: "", tags: "" });
  const enrollmentKey = knownKey ?? key;
  const request = (link: boolean): Schemas["InstallerRequest"] => ({
    format,
    enrollmentKey: rotate ? null : enrollmentKey,
    rotate,
    link,
    labels: {
      company: labels.company || null,
      site: labels.site || null,
      department: labels.department || null,
      deviceType: labels.deviceType || null,
      tags: labels.tags.split(/[\s,]+/).filter(Boolean),
    },
  });
  const afterRotate = () => {
    if (rotate) queryClient.invalidateQueries({ queryKey: ["sites"] });
  };
  const build = useMutation({
    mutationFn: async () => {
      const response = await api.raw(`/api/sites/${site!.id}/installer`, { method: "POST", body: JSON.stringify(request(false)) });
      const blob = await response.blob();
      const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? `GuruConnect-${site!.siteCode}.${format}`;
      const href = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = href;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      return name;
    },
    onSuccess: afterRotate,
  });
  const link = useMutation({
    // The link answer is untyped in the OpenAPI document (the route returns a file or JSON), so it is read here.
    mutationFn: async (): Promise<InstallerLink> =>
      (await api.raw(`/api/sites/${site!.id}/installer`, { method: "POST", body: JSON.stringify(request(true)) })).json(),
    onSuccess: afterRotate,
  });
  const set = (k: keyof typeof labels) => (e: React.ChangeEvent<HTMLInputElement>) => setLabels({ ...labels, [k]: e.target.value });
  const ready = rotate || enrollmentKey.length > 0;
  return (
    <Modal open={site !== null} onOpenChange={(o) => !o && (onClose(), build.reset(), link.reset())} title={`Build installer — ${site?.siteCode ?? ""}`} wide>
      <form className="form" onSubmit={(e) => (e.preventDefault(), build.mutate())}>
        <p className="muted">
          Current key {site?.currentKey?.fingerprintLabel ?? "none (tick “rotate” to issue one)"} · the signed agent stays byte-identical; the site's configuration travels beside it.
        </p>
        {!knownKey && (
          <label>
            <span>Enrollment key (<code>cek_…</code>, shown when it was issued)</span>
            <input name="enrollmentKey" value={key} onChange={(e) => setKey(e.target.value)} placeholder="cek_…" autoComplete="off" disabled={rotate} />
          </label>
        )}
        <label className="inline">
          <input type="checkbox" checked={rotate} onChange={(e) => setRotate(e.target.checked)} />
          <span>Rotate the key and build with the new one (enrolled machines keep working; older installers stop enrolling)</span>
        </label>
        <div className="grid2">
          <label>Company<input value={labels.company} onChange={set("company")} placeholder={site?.company ?? ""} /></label>
          <label>Site<input value={labels.site} onChange={set("site")} placeholder={site?.displayName ?? ""} /></label>
          <label>Department<input value={labels.department} onChange={set("department")} /></label>
          <label>Device type<input value={labels.deviceType} onChange={set("deviceType")} placeholder="workstation, server, kiosk…" /></label>
        </div>
        <label>Tags (space or comma separated)<input value={labels.tags} onChange={set("tags")} /></label>
        <label>
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value)}>
            {formats.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
          </select>
        </label>
        <ProblemView error={build.error ?? link.error} />
        {build.isSuccess && <p className="ok">Downloaded {build.data}.</p>}
        {link.data && (
          <>
            <div className="secret"><code data-testid="installer-url">{link.data.url}</code> <CopyButton text={link.data.url} /></div>
            <p className="muted small">{link.data.fileName} · key {link.data.fingerprintLabel} · works without signing in until {dateTime(link.data.expiresAt)}.</p>
          </>
        )}
        <div className="actions">
          <button type="button" disabled={link.isPending || !ready} onClick={() => link.mutate()}>Copy URL</button>
          <button type="submit" className="primary" disabled={build.isPending || !ready}>{build.isPending ? "Building…" : "Download"}</button>
        </div>
      </form>
    </Modal>
  );
}
