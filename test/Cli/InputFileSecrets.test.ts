/**
 * What an input file's errors may quote of it, where the invocation's secrets may be in the file or be the file.
 */
import { describe, expect, it } from "vitest"
import { inputFileMessage, NOT_CHECKED, quoteOfFile } from "../../src/Cli/InputFileSecrets.js"
import { REDACTED, secretsOf, WITHHELD } from "../../src/Cli/Redact.js"

const PASSWORD = "Hunter2-Relay-pw"
const known = { secrets: secretsOf([PASSWORD]), unread: false }

describe("quoteOfFile", () => {
  it("withholds a line that is a piece of a secret of four characters or more, quoted, cut short, or in any case", () => {
    expect(quoteOfFile(known, "hunt")).toBe(WITHHELD)
    expect(quoteOfFile(known, '"Hunter2"')).toBe(WITHHELD)
    expect(quoteOfFile(known, "policy: x\n  Relay-p…")).toBe(WITHHELD)
    expect(quoteOfFile(known, "HUNTER2-RELAY")).toBe(WITHHELD)
    // Three characters are in many a word by chance.
    expect(quoteOfFile(known, "Hun")).toBe("Hun")
    expect(quoteOfFile(known, "role: Admin")).toBe("role: Admin")
  })

  it("replaces a whole secret where it stands in a longer line, and quotes nothing when a secret's file went unread", () => {
    expect(quoteOfFile(known, `value: ${PASSWORD} is not a list`)).toBe(`value: ${REDACTED} is not a list`)
    expect(quoteOfFile({ secrets: secretsOf([]), unread: true }, "role: Admin")).toBe(NOT_CHECKED)
  })
})

describe("inputFileMessage", () => {
  it("is the message scrubbed, or the fallback when the message would be withheld whole", () => {
    expect(inputFileMessage(known, `--policy /tmp/${PASSWORD}.yaml: not found`, "--policy: not found")).toBe(
      `--policy /tmp/${REDACTED}.yaml: not found`
    )
    const encoded = Buffer.from(PASSWORD).toString("base64")
    expect(inputFileMessage(known, `--policy: line 2 is "${encoded}"`, "--policy: line 2 is not valid")).toBe(
      "--policy: line 2 is not valid"
    )
  })
})
