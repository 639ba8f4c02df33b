import { describe, expect, it } from "vitest";
import { idle, safeNext } from "../src/format";

describe("idle", () => {
  const now = Date.parse("2026-12-03T01:00:00Z");
  it("says how long an online machine's user has been idle", () => {
    expect(idle("2026-12-03T00:48:00Z", true, now)).toBe("idle 12 min");
    expect(idle("2026-12-02T22:30:00Z", true, now)).toBe("idle 2 h 30 min");
  });
  it("says nothing for an active or unknown user, or an offline machine", () => {
    expect(idle(null, true, now)).toBe("");
    expect(idle("2026-12-03T00:48:00Z", false, now)).toBe("");
  });
});

describe("safeNext", () => {
  it("keeps a path on this origin", () => {
    expect(safeNext("/codes")).toBe("/codes");
    expect(safeNext("/machines?q=site%3AACME")).toBe("/machines?q=site%3AACME");
  });

  it("refuses what a browser would take to another origin, or nothing", () => {
    for (const next of [null, "", "https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)", "codes"])
      expect(safeNext(next)).toBe("/machines");
  });
});
