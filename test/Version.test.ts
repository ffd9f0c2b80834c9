import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { VERSION } from "../src/Version.js"

describe("VERSION", () => {
  it("matches package.json, so reports name the release that wrote them", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })
})
