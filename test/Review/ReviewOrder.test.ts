import { describe, expect, it } from "vitest"
import { NO_FINDINGS } from "../../src/Review/FindingSet.js"
import { compareReviewRows } from "../../src/Review/ReviewOrder.js"
import type { ReviewRow } from "../../src/Review/ReviewRow.js"

const row = (userId: string, overrides: Partial<ReviewRow> = {}): ReviewRow => ({
  userId,
  email: `${userId}@example.com`,
  givenName: "",
  familyName: "",
  roleId: "",
  roleName: "Analyst",
  status: "CONFIRMED",
  enabled: true,
  privileged: false,
  privilegeReason: "",
  createdAt: null,
  lastLoggedInAt: null,
  findings: NO_FINDINGS,
  suppressed: [],
  invalidReason: "",
  ...overrides
})

describe("the review order", () => {
  it("puts privileged users first, then sorts by role, family name, given name, email and id", () => {
    const rows = [
      row("invalid", { roleName: "", enabled: null }),
      row("zimmer", { familyName: "Zimmer" }),
      row("devries", { familyName: "de Vries" }),
      row("dekker-b", { familyName: "Dekker", givenName: "Bob" }),
      row("dekker-a", { familyName: "Dekker", givenName: "ann" }),
      row("helpdesk", { roleName: "Helpdesk", privileged: true }),
      row("admin", { roleName: "admin", privileged: true }),
      row("auditor", { roleName: "Auditor", familyName: "Aaron" }),
      row("twin-2", { familyName: "Twin", email: "same@example.com" }),
      row("twin-1", { familyName: "Twin", email: "same@example.com" })
    ]
    expect([...rows].sort(compareReviewRows).map((item) => item.userId)).toEqual([
      "admin",
      "helpdesk",
      "devries",
      "dekker-a",
      "dekker-b",
      "twin-1",
      "twin-2",
      "zimmer",
      "auditor",
      "invalid"
    ])
  })
})
