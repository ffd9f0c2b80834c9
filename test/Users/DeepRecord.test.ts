import { describe, expect, it } from "vitest"
import { stringifyDeep } from "../../src/Users/DeepJson.js"
import { runCli, stderrText } from "../support/cli.js"
import { startScriptedServer, text } from "../support/scriptedServer.js"
import { seededRandom } from "../support/seededRandom.js"
import { rawUser } from "../support/testClient.js"

// Deeper than JSON.stringify reaches (a few thousand levels), far shallower than what JSON.parse reads.
const DEPTH = 20_000
const USER = JSON.stringify(rawUser("u1")).replace(/}$/, `,"extra":${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}}`)

const against = async (body: string, args: ReadonlyArray<string>) => {
  const server = await startScriptedServer([text(200, body, "application/json")])
  try {
    return await runCli(args, { env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" } })
  } finally {
    await server.close()
  }
}

describe("a user holding a field nested deeper than JSON.stringify reaches", () => {
  it("is listed as Panther sent it, not a stack trace", async () => {
    const result = await against(`{"results":[${USER}]}`, ["users", "list", "--format", "ndjson"])
    expect(stderrText(result.stderr)).not.toMatch(/RangeError|internal error/)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${USER}\n`)
  })

  it("is shown by get, on one line rather than indented level by level", async () => {
    const result = await against(USER, ["users", "get", "u1"])
    expect(stderrText(result.stderr)).not.toMatch(/RangeError|internal error/)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${USER}\n`)
  })
})

describe("stringifyDeep", () => {
  it("writes what JSON.stringify writes, for any value a parse yields", () => {
    const next = seededRandom(7)
    const texts = ["", "a", "é", "\u0000", "\ud800", '"\\', "__proto__", "\u2028", "😀"]
    const make = (depth: number): unknown => {
      const kind = depth > 4 ? next(4) : next(6)
      if (kind === 0) return [null, true, false][next(3)]
      if (kind === 1) return [0, -0, 1.5, 1e21, 1e-7, 2 ** 64][next(6)]
      if (kind === 2 || kind === 3) return texts[next(texts.length)]
      if (kind === 4) return Array.from({ length: next(4) }, () => make(depth + 1))
      // As JSON.parse makes them: a "__proto__" key is an own property, not the prototype.
      return Object.fromEntries(
        Array.from({ length: next(4) }, (_, at) => [`${texts[next(texts.length)]}${at}`, make(depth + 1)])
      )
    }
    for (let round = 0; round < 500; round++) {
      const value = make(0)
      expect(stringifyDeep(value)).toBe(JSON.stringify(value))
    }
  })
})
