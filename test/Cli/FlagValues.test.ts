/**
 * Values that must say something: an empty one, or a flag where the value goes, is refused with what to give.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import { emptyValueProblem, idWithoutValue, requireArgValue } from "../../src/Cli/FlagValues.js"

describe("emptyValueProblem", () => {
  it("offers leaving out a flag that may be, and names what a required one takes and what may stand for it", () => {
    expect(emptyValueProblem("--email", { kind: "an email address", leftOut: "to keep the current one" })).toBe(
      "--email is empty: give an email address, or leave it out to keep the current one."
    )
    expect(emptyValueProblem("--role", { required: true, kind: "a role name", or: "--role-id" })).toBe(
      "--role is empty, and needs a value: a role name, or give --role-id instead."
    )
    expect(emptyValueProblem("--policy")).toBe("--policy is empty: give a value, or leave it out.")
  })
})

describe("idWithoutValue", () => {
  it("refuses --id left empty, blank, last, or given a flag, never quoting a flag's value", () => {
    expect(idWithoutValue(["users", "list", "--id"])).toBe("--id is empty: give a user id, or leave it out.")
    expect(idWithoutValue(["users", "list", "--id="])).toBe("--id is empty: give a user id, or leave it out.")
    expect(idWithoutValue(["users", "list", "--id", " "])).toBe("--id is empty: give a user id, or leave it out.")
    expect(idWithoutValue(["users", "list", "--id", "--include-deactivated"])).toBe(
      '--id was given "--include-deactivated", which is a flag: give it a value first.'
    )
    // A mistyped token flag after it: its value may be the token.
    expect(idWithoutValue(["users", "list", "--id", "--api-tokn=pat-9f3a7c1e"])).toBe(
      '--id was given "--api-tokn=...", which is a flag: give it a value first.'
    )
    // With one dash, as -name=value: a flag all the same, and its value not sent as an id.
    expect(idWithoutValue(["users", "list", "--id", "-api-token=pat-9f3a7c1e"])).toBe(
      '--id was given "-api-token=...", which is a flag: give it a value first.'
    )
  })

  it("takes ids given, and reads nothing after --, which ends the flags", () => {
    expect(idWithoutValue(["users", "list", "--id", "u1", "--id=u2"])).toBeUndefined()
    expect(idWithoutValue(["users", "list", "--id", "u1", "--", "--id"])).toBeUndefined()
    expect(idWithoutValue(["users", "list", "--id", "u1", "--id"])).toBe(
      "--id is empty: give a user id, or leave it out."
    )
  })
})

describe("requireArgValue", () => {
  it("refuses an empty argument as required, saying what it takes, and passes any other", () => {
    const check = (value: string) => Effect.runSync(Effect.either(requireArgValue("The user id", "a user id")(value)))
    expect(check("u1")).toEqual(Either.right("u1"))
    const refused = check("")
    expect(refused._tag).toBe("Left")
    expect(JSON.stringify(refused)).toContain("The user id is empty, and needs a value: a user id.")
  })
})
