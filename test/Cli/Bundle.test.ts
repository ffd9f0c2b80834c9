/**
 * What the program's bundle holds. Importing a name from a package's index (`effect`, `@effect/cli`,
 * `@effect/platform`, `@effect/platform-node`) bundles every module the index lists, and every start evaluates them
 * all, used or not, and deserializes their code from a larger code cache: among them the npm package undici (the HTTP
 * client of @effect/platform-node, which nothing here uses) and msgpackr (@effect/platform's MsgPack, which probes
 * for a native addon as it loads), and effect's own modules that nothing here uses. Imported by module path instead,
 * the bundle holds what is used (bench/RESULTS.md).
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

  it("holds neither effect's index nor @effect/cli's, which evaluate every module they list", () => {
    // The source map names each package's TypeScript sources.
    expect(bundled.filter((source) => /node_modules\/(effect|@effect\/cli)\/src\/index\.ts$/.test(source))).toEqual([])
    // A module of effect's that nothing here uses, and that the index would have brought in.
    expect(bundled.filter((source) => source.endsWith("node_modules/effect/src/STM.ts"))).toEqual([])
  })

  it("is made from sources that import effect, @effect/cli, @effect/platform and @effect/platform-node by module path", () => {
    const indexImports = filesUnder(join(ROOT, "src"), ".ts")
      .filter((file) => /from "(effect|@effect\/cli|@effect\/platform(-node)?)"/.test(readFileSync(file, "utf8")))
      .map((file) => relative(ROOT, file))
    expect(indexImports).toEqual([])
  })
})
