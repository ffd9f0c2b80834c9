import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { finalLine } from "../../src/Cli/FailureMessage.js"
import { loggedLines } from "../support/loggedLines.js"

/**
 * Text from outside a log line quotes: a C1 control (U+009B opens a terminal's control sequence as ESC [ does), the
 * bidirectional overrides, embeddings, isolates and marks (which turn what follows around on screen), and the line
 * and paragraph separators (at which a log viewer starts a line of its own).
 */
const HOSTILE =
  "Ada\u009b31m \u202eevil\u202c \u2067isolated\u2069 \u200fmark\u200e\u061c line\u2028para\u2029end\u007f"
const RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
/** On a terminal the direction marks are kept, as everywhere `printable` shows a name: names in Hebrew may need them. */
const RAW_ON_TERMINAL = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const hostileLine = Effect.logWarning(`could not mail ${HOSTILE}`).pipe(
  Effect.annotateLogs({ reason: HOSTILE, recipients: [HOSTILE, "ok@acme.example"] })
)

describe("a log line quoting text from outside", () => {
  // With a secret to hide as well (echoed in base64, as a relay echoes AUTH PLAIN, so its string is withheld), the
  // line is written again from what it reads back as.
  const SECRET = "hunter2-LogText-pw"
  const AUTH_PLAIN = Buffer.from(`\u0000mailer\u0000${SECRET}`).toString("base64")
  for (const [secrets, told] of [
    [[], ""],
    [[SECRET], ", written again to hide a secret"]
  ] as const) {
    it.effect(`in JSON holds no raw control, bidi or separator character, and reads back exactly${told}`, () =>
      Effect.gen(function* () {
        const lines = yield* loggedLines(
          "json",
          secrets,
          hostileLine.pipe(
            Effect.annotateLogs({
              reply: secrets.length === 0 ? "535 refused" : `535 AUTH PLAIN ${AUTH_PLAIN} refused`
            })
          )
        )
        expect(lines).toHaveLength(1)
        const [line = ""] = lines
        expect(line).not.toMatch(RAW)
        expect(line).not.toContain(AUTH_PLAIN)
        expect(JSON.parse(line)).toMatchObject({
          message: `could not mail ${HOSTILE}`,
          annotations: { reason: HOSTILE, recipients: [HOSTILE, "ok@acme.example"] }
        })
      })
    )
  }

  it.effect("pretty, shows none of them raw: not in the message, an annotation, a list, nor a defect's cause", () =>
    Effect.gen(function* () {
      const defect = Effect.logError("mail not sent", Cause.die(new Error(`refused ${HOSTILE}`)))
      const lines = yield* loggedLines("pretty", [], Effect.zipRight(hostileLine, defect))
      const text = lines.join("\n")
      expect(text).toContain("could not mail Ada")
      expect(text).toContain("ok@acme.example")
      expect(text).toContain("refused Ada")
      expect(text).toContain("mail not sent")
      expect(text).not.toMatch(RAW_ON_TERMINAL)
      // A defect's cause keeps its lines: the stack trace under it is still read one frame a line.
      expect(text).toMatch(/\n\s*at /)
    })
  )
})

describe("the last line of a failed command", () => {
  // `--log-format` given hostile text is refused quoting it, as is any flag's bad value.
  const reason = `--log-format must be json or pretty; got "${HOSTILE}"`

  it("in JSON holds none of them raw, and reads back exactly", () => {
    const line = finalLine("json", reason)
    expect(line).not.toMatch(RAW)
    expect(JSON.parse(line)).toMatchObject({ message: reason, logLevel: "ERROR" })
  })

  it("pretty, shows none of them raw, and keeps the lines of a message of several", () => {
    const line = finalLine("pretty", `internal error (please report it):\n${reason}`)
    expect(line).not.toMatch(RAW_ON_TERMINAL)
    expect(line).toContain(
      'panther-audit: internal error (please report it):\n--log-format must be json or pretty; got "Ada'
    )
  })
})
