/**
 * What the program's bundle holds. Importing a name from a package's index (`@effect/platform`,
 * `@effect/platform-node`) bundles every module the index lists, and those with effects at load run on every start
 * of the simulator and the demo, and make the code cache every command reads larger: the npm package undici (the
 * HTTP client of @effect/platform-node, which nothing here uses) and msgpackr (@effect/platform's MsgPack, which
 * probes for a native addon as it loads). Imported by module path instead, neither is bundled.
 */
import { readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { filesUnder } from "../support/files.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

/** The sources the build put into dist/program.cjs, from its source map (test/globalSetup.ts builds first). */
const bundled = (JSON.parse(readFileSync(join(ROOT, "dist", "program.cjs.map"), "utf8")) as { sources: string[] })
  .sources

describe("the program's bundle", () => {
  it("holds the packages the commands use (the source map is read right)", () => {
    expect(bundled.some((source) => source.includes("node_modules/@effect/platform-node/"))).toBe(true)
    expect(bundled.some((source) => source.includes("node_modules/@effect/platform/"))).toBe(true)
  })

  it("holds neither undici nor msgpackr, which only the packages' indexes bring in", () => {
    expect(bundled.filter((source) => /node_modules\/(undici|msgpackr)\//.test(source))).toEqual([])
  })

  it("is made from sources that import @effect/platform and @effect/platform-node by module path", () => {
    const indexImports = filesUnder(join(ROOT, "src"), ".ts")
      .filter((file) => /from "@effect\/platform(-node)?"/.test(readFileSync(file, "utf8")))
      .map((file) => relative(ROOT, file))
    expect(indexImports).toEqual([])
  })
})
