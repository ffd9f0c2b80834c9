import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { chosenRole } from "../../src/Users/UserFields.js"
import {
  defaultFormat,
  describeInvalidRecord,
  displayWidth,
  MAX_TABLE_CELL_CHARS,
  renderTable,
  TableRows,
  terminalSafeJson
} from "../../src/Users/UserOutput.js"

describe("users output", () => {
  it("defaults to a table on a terminal and ndjson in a pipe", () => {
    expect(defaultFormat(true)).toBe("table")
    expect(defaultFormat(false)).toBe("ndjson")
  })

  it("pads table columns to the widest cell", () => {
    const table = renderTable([
      ["u1", "a@example.com", "Ann Lee", "Admin", "CONFIRMED", "yes", "never"],
      ["user-22", "bo@example.com", "Bo", "Analyst", "", "no", "2025-01-01T00:00:00Z"]
    ])
    expect(table.split("\n")).toEqual([
      "ID       EMAIL           NAME     ROLE     STATUS     ENABLED  LAST LOGIN",
      "u1       a@example.com   Ann Lee  Admin    CONFIRMED  yes      never",
      "user-22  bo@example.com  Bo       Analyst             no       2025-01-01T00:00:00Z"
    ])
  })

  it("lays out a table of more users than a call can take arguments", () => {
    // Each column's width was the largest of its cells spread into Math.max: past about 125,000 users that overflowed
    // the stack, and `users list` on a terminal ended in an internal error having printed nothing.
    const rows = Array.from({ length: 200_000 }, (_, index) => [
      `u${index}`,
      `user${index}@example.com`,
      "Ann Lee",
      index === 199_999 ? "Administrators" : "Admin",
      "CONFIRMED",
      "yes",
      "never"
    ])
    const lines = renderTable(rows).split("\n")
    expect(lines).toHaveLength(200_001)
    expect(lines[1]).toBe("u0       user0@example.com       Ann Lee  Admin           CONFIRMED  yes      never")
    expect(lines[200_000]).toBe("u199999  user199999@example.com  Ann Lee  Administrators  CONFIRMED  yes      never")
  })

  it("prints a table a batch of lines at a time, each line as the whole table has it", () => {
    // Printed in batches at the end rather than as one string of every user's line, held with the rows besides.
    const table = new TableRows()
    table.add(["u1", "a@example.com", "Ann Lee", "Admin", "CONFIRMED", "yes", "never"])
    table.add(["user-22", "bo@example.com", "Bo", "Analyst", "", "no", "2025-01-01T00:00:00Z"])
    table.add(["u3", "c@example.com", "Cy", "Admin", "CONFIRMED", "yes", "never"])
    expect([...table.lines(2)]).toEqual([
      "ID       EMAIL           NAME     ROLE     STATUS     ENABLED  LAST LOGIN\n" +
        "u1       a@example.com   Ann Lee  Admin    CONFIRMED  yes      never",
      "user-22  bo@example.com  Bo       Analyst             no       2025-01-01T00:00:00Z\n" +
        "u3       c@example.com   Cy       Admin    CONFIRMED  yes      never"
    ])
    expect([...table.lines(2)].join("\n")).toBe([...table.lines(1000)].join("\n"))
  })

  it("keeps a cell holding NUL in its own column, though a row's cells are held apart by NUL", () => {
    expect(renderTable([["u1", "a@\u0000x.com", "Ann", "Admin", "CONFIRMED", "yes", "never"]]).split("\n")[1]).toBe(
      "u1  a@\uFFFDx.com  Ann   Admin  CONFIRMED  yes      never"
    )
  })

  it("cuts a huge cell short rather than measure it for minutes", () => {
    // One letter outside ASCII sends the whole cell through the grapheme splitter, which took minutes on this one.
    const name = `\uff1d${"x".repeat(200_000)}`
    const started = Date.now()
    const table = renderTable([["u1", "a@example.com", name, "Admin", "CONFIRMED", "yes", "never"]])
    expect(Date.now() - started).toBeLessThan(5_000)
    const row = table.split("\n")[1] ?? ""
    expect(row).toContain(`${name.slice(0, MAX_TABLE_CELL_CHARS)}\u2026  Admin`)
    expect(row.length).toBeLessThan(MAX_TABLE_CELL_CHARS + 100)
  })

  it("keeps a cell of exactly the most it shows whole, with no mark of a cut", () => {
    const name = "x".repeat(MAX_TABLE_CELL_CHARS)
    const row = renderTable([["u1", "a@example.com", name, "Admin", "CONFIRMED", "yes", "never"]]).split("\n")[1] ?? ""
    expect(row).toContain(`${name}  Admin`)
    expect(row).not.toContain("\u2026")
  })

  it("does not cut a long cell between the halves of a surrogate pair", () => {
    const name = `${"x".repeat(MAX_TABLE_CELL_CHARS - 1)}\u{1F680}tail`
    const row = renderTable([["u1", "a@example.com", name, "Admin", "CONFIRMED", "yes", "never"]]).split("\n")[1] ?? ""
    expect(row).toContain(`${"x".repeat(MAX_TABLE_CELL_CHARS - 1)}\u2026  Admin`)
    expect(row).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
  })

  it("does not cut a long cell inside a joined emoji or a letter with its accent", () => {
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"
    for (const [name, kept] of [
      [`${"x".repeat(MAX_TABLE_CELL_CHARS - 4)}${family}tail`, "x".repeat(MAX_TABLE_CELL_CHARS - 4)],
      [`${"x".repeat(MAX_TABLE_CELL_CHARS - 1)}e\u0301tail`, "x".repeat(MAX_TABLE_CELL_CHARS - 1)]
    ] as const) {
      const row =
        renderTable([["u1", "a@example.com", name, "Admin", "CONFIRMED", "yes", "never"]]).split("\n")[1] ?? ""
      expect(row).toContain(`${kept}\u2026  Admin`)
    }
  })

  it("lines up columns after names a terminal draws two columns wide", () => {
    expect(displayWidth("健一 鈴木")).toBe(9)
    expect(displayWidth("민준 김")).toBe(7)
    expect(displayWidth("Zoë")).toBe(3)
    const table = renderTable([
      ["u1", "k@example.com", "健一 鈴木", "Admin", "CONFIRMED", "yes", "never"],
      ["u2", "a@example.com", "Ann Lee", "Analyst", "CONFIRMED", "no", "never"]
    ])
    const [, wide, narrow] = table.split("\n")
    // "Admin" and "Analyst" start at the same column on screen.
    const column = (line: string | undefined, word: string) =>
      displayWidth((line ?? "").slice(0, (line ?? "").indexOf(word)))
    expect(column(wide, "Admin")).toBe(column(narrow, "Analyst"))
  })

  it("counts what the eye sees as one character: accents, emoji and joined emoji", () => {
    expect(displayWidth("Zoe\u0308")).toBe(3)
    expect(displayWidth("Rocket \u{1F680}")).toBe(9)
    // A family: four people joined by ZERO WIDTH JOINERs, drawn as one emoji two columns wide.
    expect(displayWidth("\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466} Lee")).toBe(6)
    expect(displayWidth("\u263A\uFE0F")).toBe(2)
    expect(displayWidth("\u263A")).toBe(1)
    expect(displayWidth("\u{1F44D}\u{1F3FD}")).toBe(2)
    // Direction marks and other format characters take no column.
    expect(displayWidth("a\u200Fb\u2066c\u2069")).toBe(3)
    // A soft hyphen is drawn, by terminals as by wcwidth.
    expect(displayWidth("Anna\u00ADLena")).toBe(9)
    const table = renderTable([
      [
        "u1",
        "k@example.com",
        "Jose\u0301 \u{1F468}\u200D\u{1F469}\u200D\u{1F467}",
        "Admin",
        "CONFIRMED",
        "yes",
        "never"
      ],
      ["u2", "a@example.com", "Ann Lee", "Analyst", "CONFIRMED", "no", "never"]
    ])
    const [, wide, narrow] = table.split("\n")
    const column = (line: string | undefined, word: string) =>
      displayWidth((line ?? "").slice(0, (line ?? "").indexOf(word)))
    expect(column(wide, "Admin")).toBe(column(narrow, "Analyst"))
  })

  it("prints JSON whose control characters, C1 included, are escaped, and which reads back the same", () => {
    const user = { id: "u1", givenName: "A\u009b31mB\u007fC\u001b[2J", familyName: "\u00e9\u00a0" }
    const text = terminalSafeJson(user, 2)
    expect(terminalSafeJson(user)).not.toMatch(/\p{Cc}/u)
    expect(text).toContain("A\\u009b31mB\\u007fC\\u001b[2J")
    const reordered = { id: "u2", givenName: "A\u202EB\u2066C\u2069" }
    expect(terminalSafeJson(reordered)).toContain("A\\u202eB\\u2066C\\u2069")
    expect(JSON.parse(terminalSafeJson(reordered))).toEqual(reordered)
    // An invisible character would make one email look like another: escaped too, a tag as JSON writes its halves.
    const invisible = { id: "u3", email: "ok@acme.com\u200b", givenName: "Bo\u{E0041}b\u200D" }
    expect(terminalSafeJson(invisible)).toContain('"ok@acme.com\\u200b"')
    expect(terminalSafeJson(invisible)).toContain('"Bo\\udb40\\udc41b\u200D"')
    expect(JSON.parse(terminalSafeJson(invisible))).toEqual(invisible)
    expect(JSON.parse(text)).toEqual(user)
    expect(terminalSafeJson(user)).toBe(JSON.stringify(user).replace("\u009b", "\\u009b").replace("\u007f", "\\u007f"))
  })

  it("names an invalid record by whatever it has", () => {
    expect(describeInvalidRecord(Option.some("u1"), Option.some("a@x.com"))).toBe("user u1 (a@x.com)")
    expect(describeInvalidRecord(Option.some("u1"), Option.none())).toBe("user u1")
    expect(describeInvalidRecord(Option.none(), Option.some("a@x.com"))).toBe("user a@x.com (no id)")
    // An override would show "evil" as "live": shown as U+FFFD, like a control character.
    expect(describeInvalidRecord(Option.some("u\u202Eevil"), Option.none())).toBe("user u\uFFFDevil")
    expect(describeInvalidRecord(Option.some("\u2066Bob\u2069"), Option.none())).toBe("user \uFFFDBob\uFFFD")
    expect(describeInvalidRecord(Option.none(), Option.none())).toBe("a user record with no id")
  })
})

describe("role flags", () => {
  it.effect("take a role by name or by id, never both", () =>
    Effect.gen(function* () {
      expect(yield* chosenRole(Option.some(" Analyst "), Option.none())).toEqual(Option.some({ name: "Analyst" }))
      expect(yield* chosenRole(Option.none(), Option.some("r-1"))).toEqual(Option.some({ id: "r-1" }))
      expect(yield* chosenRole(Option.some(""), Option.none())).toEqual(Option.none())
      const both = yield* Effect.flip(chosenRole(Option.some("Admin"), Option.some("r-1")))
      expect(both.message).toContain("not both")
      expect(both.exitCode).toBe(2)
    })
  )
})
