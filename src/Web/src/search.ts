/** The `q` search syntax (docs/api.md "Search"): whitespace-separated terms, ANDed; `field:value` scopes one. */
export const searchFields: { field: string; hint: string }[] = [
  { field: "host:", hint: "hostname or display name" },
  { field: "site:", hint: "site code, site name or site label" },
  { field: "company:", hint: "company label" },
  { field: "user:", hint: "logged-on user" },
  { field: "os:", hint: "OS name or version" },
  { field: "ip:", hint: "private or external IP" },
  { field: "tag:", hint: "tag" },
  { field: "version:", hint: "agent version" },
  { field: "dept:", hint: "department" },
  { field: "type:", hint: "device type" },
  { field: "mac:", hint: "MAC address" },
  { field: "serial:", hint: "serial number" },
];

/** The field suggestions for what is being typed: the last term, while it has no ":" yet. */
export function suggestFields(q: string): { field: string; hint: string }[] {
  if (q.length === 0 || /\s$/.test(q)) return [];
  const last = q.split(/\s+/).pop() ?? "";
  if (last.length === 0 || last.includes(":")) return [];
  return searchFields.filter((f) => f.field.startsWith(last.toLowerCase()) && f.field !== last.toLowerCase());
}

/** Replaces the last term of q with a chosen field prefix. */
export function applySuggestion(q: string, field: string): string {
  const terms = q.split(/\s+/);
  terms[terms.length - 1] = field;
  return terms.join(" ");
}

/**
 * A scoped term for a value. The server splits terms on whitespace unless quoted, so a multi-word
 * value ("Acme Dental Group") is quoted whole; `"` cannot be escaped in q, so it is dropped.
 */
export function scopedTerm(field: string, value: string): string {
  const clean = value.replace(/"/g, "").trim().replace(/\s+/g, " ");
  return /\s/.test(clean) ? `${field}:"${clean}"` : `${field}:${clean}`;
}
