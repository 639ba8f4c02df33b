import { describe, expect, it } from "vitest";
import { scopedTerm } from "../src/search";

describe("scopedTerm", () => {
  it("keeps a one-word value bare", () => {
    expect(scopedTerm("company", "Contoso")).toBe("company:Contoso");
  });
  it("quotes a multi-word value whole, so the server matches the phrase and not its first word", () => {
    expect(scopedTerm("company", "  Acme   Dental Group ")).toBe('company:"Acme Dental Group"');
  });
  it("drops quotes, which q cannot escape", () => {
    expect(scopedTerm("company", 'Bob "the" Builder')).toBe('company:"Bob the Builder"');
  });
});
