/**
 * Dependencies' install scripts. The image's build stage installs with `npm ci --ignore-scripts`, so the program
 * is built and run there without any of them. package.json's `allowScripts` (read by npm 11.16 and later, which
 * warns about every install script it does not name, and from npm 12 skips them) denies each one, so `npm ci`
 * with npm 11.16 or later installs the way the image does (older npm ignores the field and runs them), and a
 * dependency that starts to need its script fails there too, not only in the image.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

interface LockedPackage {
  readonly name?: string
  readonly hasInstallScript?: boolean
}
interface PackageLock {
  readonly packages: Readonly<Record<string, LockedPackage>>
}
interface PackageJson {
  readonly allowScripts?: Readonly<Record<string, boolean>>
}

const readJson = <A>(name: string): A => JSON.parse(readFileSync(join(ROOT, name), "utf8")) as A

/**
 * The package's name from its place in the lock file: `node_modules/a/node_modules/@b/c` is `@b/c`. An alias
 * (`"x": "npm:@b/c@1"`) sits at `node_modules/x` with its real name in its entry, which allowScripts must name.
 */
const packageName = (path: string): string => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)

describe("dependencies' install scripts", () => {
  const lock = readJson<PackageLock>("package-lock.json")
  const withInstallScript = Object.entries(lock.packages)
    .filter(([path, locked]) => path !== "" && locked.hasInstallScript === true)
    .map(([path, locked]) => locked.name ?? packageName(path))

  const allowScripts = readJson<PackageJson>("package.json").allowScripts ?? {}

  it("include esbuild's (the lock file is read right)", () => {
    expect(withInstallScript).toContain("esbuild")
  })

  it("are each denied in package.json's allowScripts, as the image's --ignore-scripts install runs none", () => {
    const decisions = Object.fromEntries(withInstallScript.map((name) => [name, allowScripts[name]]))
    expect(decisions).toEqual(Object.fromEntries(withInstallScript.map((name) => [name, false])))
  })

  it("are all that allowScripts names: an entry left from a dependency since removed would mislead", () => {
    expect(Object.keys(allowScripts).sort()).toEqual([...new Set(withInstallScript)].sort())
  })

  it("are not run by the image's build stage either", () => {
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8")
    // Any npm install in the file, whatever precedes it on its line (`RUN --mount=...`, `&& npm ci`), not comments.
    const lines = dockerfile.split("\n").filter((line) => !line.trimStart().startsWith("#"))
    const npmInstalls = lines.filter((line) => /\bnpm (ci|install|i)\b/.test(line))
    expect(npmInstalls.length).toBeGreaterThan(0)
    for (const install of npmInstalls) expect(install).toContain("--ignore-scripts")
  })
})
