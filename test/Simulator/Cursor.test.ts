import { randomBytes } from "node:crypto"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { makeCursorCodec, queryFingerprint } from "../../src/Simulator/Cursor.js"

const codec = makeCursorCodec(randomBytes(32))
const fingerprint = queryFingerprint(["contains", "status"])

describe("cursor codec", () => {
  it("round-trips a position, as standard base64 that always holds +, / and =", () => {
    for (const position of [0, 1, 60, 123_456, 2 ** 40]) {
      const token = codec.encode("users", position, fingerprint)
      expect(token).toMatch(/^[A-Za-z0-9+/]+=+$/)
      expect(token).toContain("+")
      expect(token).toContain("/")
      expect(codec.decode("users", token, fingerprint)).toEqual(Either.right(position))
    }
  })

  it("refuses any altered character and another run's secret, and tells another list's and another query's apart", () => {
    const token = codec.encode("users", 42, fingerprint)
    for (let index = 0; index < token.length - 2; index++) {
      const swapped = token[index] === "A" ? "B" : "A"
      const altered = `${token.slice(0, index)}${swapped}${token.slice(index + 1)}`
      expect(codec.decode("users", altered, fingerprint), `character ${index}`).toEqual(Either.left("invalid"))
    }
    expect(codec.decode("users", token.replace(/\+/g, " "), fingerprint)).toEqual(Either.left("invalid"))
    expect(makeCursorCodec(randomBytes(32)).decode("users", token, fingerprint)).toEqual(Either.left("invalid"))
    expect(codec.decode("roles", token, fingerprint)).toEqual(Either.left("other-list"))
    expect(codec.decode("users", token, queryFingerprint(["other"]))).toEqual(Either.left("other-query"))
  })

  it("refuses a token that decodes to the right bytes but is not the token handed out", () => {
    // Node's base64 decoder skips unknown characters, accepts base64url and missing padding: each of these decodes
    // to the very bytes of the token, and a client sending one has mangled the cursor on its way.
    const token = codec.encode("users", 42, fingerprint)
    const lookalikes = [
      `${token}\n`,
      ` ${token}`,
      `${token.slice(0, 6)}.${token.slice(6)}`,
      token.replace(/=+$/, ""),
      token.replace(/\+/g, "-").replace(/\//g, "_")
    ]
    for (const lookalike of lookalikes) {
      expect(Buffer.from(lookalike, "base64")).toEqual(Buffer.from(token, "base64"))
      expect(codec.decode("users", lookalike, fingerprint), JSON.stringify(lookalike)).toEqual(Either.left("invalid"))
    }
  })
})
