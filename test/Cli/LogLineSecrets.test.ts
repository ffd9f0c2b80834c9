import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { loggedLines } from "../support/loggedLines.js"

const TOKEN = "pat-LOGLINE-9c4e1a7b3d5f"
const PASSWORD = "hunter2-Relay-pw"
/** The password as a relay may echo it besides: in the AUTH PLAIN blob, base64, which no replacing of forms hides. */
const AUTH_PLAIN = Buffer.from(`\u0000mailer\u0000${PASSWORD}`).toString("base64")

/** A failure of a library's own, not worded by this program, logged with its cause as the schedule logs a defect. */
const defectLogged = (secret: string) =>
  Effect.logError("scheduled audit failed; the schedule goes on", Cause.die(new Error(`connect to ${secret} failed`)))

describe("log lines", () => {
  it.effect("in JSON never hold a secret from a defect's cause, and stay one JSON object each", () =>
    Effect.gen(function* () {
      const lines = yield* loggedLines("json", [TOKEN], defectLogged(TOKEN))
      expect(lines).toHaveLength(1)
      const [line = ""] = lines
      expect(line).not.toContain(TOKEN)
      const parsed = JSON.parse(line)
      expect(parsed).toMatchObject({ logLevel: "ERROR", message: "scheduled audit failed; the schedule goes on" })
      expect(JSON.stringify(parsed)).toContain("connect to [redacted] failed")
    })
  )

  it.effect("in JSON withhold only the string that reveals a secret, keeping the line's level and message", () =>
    Effect.gen(function* () {
      const lines = yield* loggedLines(
        "json",
        [PASSWORD],
        Effect.logWarning("relay refused the login").pipe(
          Effect.annotateLogs({ reason: `535 password ${PASSWORD} refused (AUTH PLAIN ${AUTH_PLAIN})`, code: "535" })
        )
      )
      const [line = ""] = lines
      expect(line).not.toContain(PASSWORD)
      expect(line).not.toContain(AUTH_PLAIN)
      expect(JSON.parse(line)).toMatchObject({
        logLevel: "WARN",
        message: "relay refused the login",
        annotations: { reason: "[not shown: it quoted a secret]", code: "535" }
      })
    })
  )

  it.effect("never hold a secret a library quotes only encoded (AUTH PLAIN's base64, hex), in either format", () =>
    Effect.gen(function* () {
      const hex = Buffer.from(TOKEN).toString("hex")
      const echoed = (secret: string) =>
        Effect.logError("mail not sent", Cause.die(new Error(`535 5.7.8 AUTH PLAIN ${AUTH_PLAIN} refused; ${secret}`)))
      for (const format of ["json", "pretty"] as const) {
        const lines = yield* loggedLines(format, [PASSWORD, TOKEN], echoed(`token 0x${hex}`))
        const text = lines.join("\n")
        expect(text).toContain("mail not sent")
        expect(text).not.toContain(AUTH_PLAIN)
        expect(text).not.toContain(hex)
      }
    })
  )

  it.effect("never hold a secret quoted only in hex, URL-safe base64, or quoted-printable with its = escaped", () =>
    Effect.gen(function* () {
      // Its base64 has "+" and "/", which the URL-safe alphabet writes "-" and "_".
      const secret = "Relay->>>???-pw-9"
      const echoes = [
        Buffer.from(secret).toString("hex"),
        Buffer.from(secret).toString("base64url"),
        "pw=3DRelay-secret-9"
      ]
      const leaked: Array<string> = []
      for (const echo of echoes) {
        const lines = yield* loggedLines(
          "json",
          [secret, "pw=Relay-secret-9"],
          Effect.logError("mail not sent", Cause.die(new Error(`535 5.7.8 ${echo} refused`)))
        )
        expect(lines.join("\n")).toContain("mail not sent")
        if (lines.join("\n").includes(echo)) leaked.push(echo)
      }
      expect(leaked).toEqual([])
    })
  )

  it.effect("in JSON withhold a string in a list that reveals a secret, keeping the list a list", () =>
    Effect.gen(function* () {
      const lines = yield* loggedLines(
        "json",
        [PASSWORD],
        Effect.logWarning("relay refused the login").pipe(
          Effect.annotateLogs({ replies: ["250 OK", `535 AUTH PLAIN ${AUTH_PLAIN} refused`] })
        )
      )
      const [line = ""] = lines
      expect(JSON.parse(line)).toMatchObject({
        annotations: { replies: ["250 OK", "[not shown: it quoted a secret]"] }
      })
    })
  )

  it.effect("never hold a password a relay echoed in quoted-printable, decomposed, or read as Latin-1", () =>
    Effect.gen(function* () {
      const accented = "Pässwörd-Straße-1x"
      const bytes = [...Buffer.from(accented)]
      const echoes = [
        bytes.map((byte) => `=${byte.toString(16).toUpperCase()}`).join(""),
        "P=C3=A4ssw=C3=B6rd-Stra=C3=9Fe-1x",
        accented.normalize("NFD"),
        Buffer.from(accented).toString("latin1"),
        // Windows-1252, as most software taking bytes for Latin-1 reads them: ß's second byte is Ÿ.
        Buffer.from(accented).toString("latin1").replace("\u009f", "Ÿ")
      ]
      const leaked: Array<string> = []
      for (const echo of echoes) {
        const lines = yield* loggedLines(
          "json",
          [accented],
          Effect.logError("mail not sent", Cause.die(new Error(`535 5.7.8 ${echo} refused`)))
        )
        expect(lines.join("\n")).toContain("mail not sent")
        if (lines.join("\n").includes(echo)) leaked.push(echo)
      }
      expect(leaked).toEqual([])
    })
  )

  it.effect(
    "in JSON stay one whole JSON object when a defect's cause is long (a page quoted whole) and holds a secret",
    () =>
      Effect.gen(function* () {
        const page = `<html>${"<p>upstream unavailable</p>".repeat(4000)}</html>`
        const lines = yield* loggedLines(
          "json",
          [TOKEN],
          Effect.logError("scheduled audit failed", Cause.die(new Error(`token ${TOKEN} answered ${page}`))).pipe(
            Effect.annotateLogs({ run: "nightly" })
          )
        )
        const [line = ""] = lines
        expect(line).not.toContain(TOKEN)
        expect(JSON.parse(line)).toMatchObject({
          logLevel: "ERROR",
          message: "scheduled audit failed",
          annotations: { run: "nightly" }
        })
      })
  )

  it.effect("in the pretty format never hold a secret from an annotation or a defect's cause", () =>
    Effect.gen(function* () {
      const lines = yield* loggedLines(
        "pretty",
        [TOKEN],
        defectLogged(TOKEN).pipe(Effect.annotateLogs({ detail: { said: `token ${TOKEN} expired` } }))
      )
      const text = lines.join("\n")
      expect(text).toContain("scheduled audit failed; the schedule goes on")
      expect(text).toContain("connect to [redacted] failed")
      expect(text).toContain("[redacted] expired")
      expect(text).not.toContain(TOKEN)
    })
  )

  it.effect("are left as they are when no secret was given", () =>
    Effect.gen(function* () {
      const lines = yield* loggedLines("json", [], defectLogged(TOKEN))
      expect(lines.join("\n")).toContain(TOKEN)
    })
  )
})
