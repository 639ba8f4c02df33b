/** Small display helpers shared by the pages. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "never";
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return `${duration(seconds)} ago`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d`;
}

export function since(iso: string, now = Date.now()): string {
  return duration(Math.max(0, Math.round((now - Date.parse(iso)) / 1000)));
}

/**
 * "idle 12 min" for a logged-on user idle since `idleSince` (the server's inventory.userIdleSince),
 * "" when the user is active, unknown, or the machine is offline (the figure would be stale).
 */
export function idle(idleSince: string | null | undefined, online: boolean, now = Date.now()): string {
  return idleSince && online ? `idle ${since(idleSince, now)}` : "";
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

export function bytes(n: number | string | null | undefined): string {
  const v = Number(n);
  if (!Number.isFinite(v) || v <= 0) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(x >= 10 || i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Compares dotted versions numerically ("1.10.0" > "1.9.3"); a non-numeric part compares as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "0";
    const y = pb[i] ?? "0";
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/**
 * Where to go after signing in: the `next` query parameter only when it is a path on this origin.
 * `//host` and `/\host` are protocol-relative to a browser (an open redirect), so they fall back to
 * the machines list like anything that is not a plain path.
 */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/machines";
  return /[\u0000-\u001f]/.test(next) ? "/machines" : next;
}
