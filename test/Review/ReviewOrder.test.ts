import { describe, expect, it } from "vitest"
import { compareReviewRows } from "../../src/Review/ReviewOrder.js"
import { reviewRowOf } from "./fixtures.js"

const row = reviewRowOf

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
    const expected = [
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
    ]
    expect([...rows].sort(compareReviewRows).map((item) => item.userId)).toEqual(expected)
    // Whatever order the users came in.
    expect(
      [...rows]
        .reverse()
        .sort(compareReviewRows)
        .map((item) => item.userId)
    ).toEqual(expected)
  })

  it("keeps the users of two roles whose names differ only in case apart, each role's users together", () => {
    // Panther can hold both (the README's change-role: decisions tell them apart by id): a reviewer goes role by role.
    const rows = [
      row("upper-young", { roleName: "Analyst", familyName: "Young" }),
      row("lower-zed", { roleName: "analyst", familyName: "Zed" }),
      row("upper-adams", { roleName: "Analyst", familyName: "Adams" }),
      row("lower-brown", { roleName: "analyst", familyName: "Brown" })
    ]
    expect(rows.sort(compareReviewRows).map((item) => item.userId)).toEqual([
      "upper-adams",
      "upper-young",
      "lower-brown",
      "lower-zed"
    ])
  })

  it("sorts by given name before email, and by email before id, whatever the later keys say", () => {
    const lee = { familyName: "Lee" }
    const byGivenName = [
      row("u-1", { ...lee, givenName: "Zoe", email: "a@example.com" }),
      row("u-2", { ...lee, givenName: "amy", email: "z@example.com" })
    ]
    expect(byGivenName.sort(compareReviewRows).map((item) => item.userId)).toEqual(["u-2", "u-1"])
    const byEmail = [
      row("u-1", { ...lee, givenName: "Amy", email: "Z@example.com" }),
      row("u-2", { ...lee, givenName: "Amy", email: "b@example.com" })
    ]
    expect(byEmail.sort(compareReviewRows).map((item) => item.userId)).toEqual(["u-2", "u-1"])
  })
})
