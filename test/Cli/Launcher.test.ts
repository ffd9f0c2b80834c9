/**
 * dist/bin.js runs the bundled program with the V8 code cache the build made. The cache must be used when it fits,
 * and anything else about it (missing, made from other code, damaged) must only cost speed, never a wrong program.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeEach, expect, it } from "vitest"
import { launcherV8Flags } from "../../src/Cli/V8Settings.js"
import { VERSION } from "../../src/Version.js"

const DIST = fileURLToPath(new URL("../../dist", import.meta.url))

let copy = ""
beforeEach(() => {
  copy = join(mkdtempSync(join(tmpdir(), "launcher-")), "dist")
  cpSync(DIST, copy, { recursive: true })
})
afterEach(() => rmSync(join(copy, ".."), { recursive: true, force: true }))

const version = (dist: string) => {
  const result = spawnSync(process.execPath, [join(dist, "bin.js"), "--version"], {
    env: { PATH: process.env.PATH ?? "", PANTHER_AUDIT_CODE_CACHE: "report" },
    encoding: "utf8",
    // A launcher that waits on its cache would otherwise hang the suite rather than fail it.
    timeout: 15_000
  })
  return { code: result.status, stdout: result.stdout.trim(), cache: /code cache (\w+)/.exec(result.stderr)?.[1] }
}

it("uses the code cache the build made", () => {
  expect(version(DIST)).toEqual({ code: 0, stdout: VERSION, cache: "used" })
})

it("has a cache that names the program where it is, as stack traces then do", () => {
  // V8 keeps the file name the cache was made under, and takes it over whatever name the launcher gives.
  const cache = readFileSync(join(DIST, "program.cjs.cache"))
  expect(cache.includes(Buffer.from(join(DIST, "program.cjs")))).toBe(true)
  expect(cache.includes(Buffer.from("dist.building"))).toBe(false)
})

it("has a cache that starts with the SHA-256 of the program's text, the CommonJS wrapper around its bytes", () => {
  // The launcher hashes the very text V8 compiles; written into one buffer or joined as strings, it is the same.
  const text = Buffer.concat([
    Buffer.from("(function (exports, require, module, __filename, __dirname) {\n"),
    readFileSync(join(DIST, "program.cjs")),
    Buffer.from("\n})")
  ])
  const cache = readFileSync(join(DIST, "program.cjs.cache"))
  expect(cache.subarray(0, 32).toString("hex")).toBe(createHash("sha256").update(text).digest("hex"))
})

it("runs without a cache", () => {
  rmSync(join(copy, "program.cjs.cache"))
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "absent" })
})

it("runs when the cache is not a file, or far too large to be one the build made", () => {
  const path = join(copy, "program.cjs.cache")
  rmSync(path)
  mkdirSync(path)
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "absent" })
  rmSync(path, { recursive: true })
  // Sparse: 300 MiB that take no room on disk.
  writeFileSync(path, "")
  truncateSync(path, 300 * 1024 * 1024)
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "absent" })
})

it("runs when the cache is a named pipe, which no writer will ever open", () => {
  // Opening a FIFO to read waits for a writer: the launcher must not, before it can see that it is no file.
  const path = join(copy, "program.cjs.cache")
  rmSync(path)
  execFileSync("mkfifo", [path])
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "absent" })
})

it("ignores an empty cache", () => {
  writeFileSync(join(copy, "program.cjs.cache"), "")
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "stale" })
})

it("ignores a cache made from other code", () => {
  // A changed program, as after editing it in place: the cache no longer belongs to it.
  appendFileSync(join(copy, "program.cjs"), "\n// changed\n")
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "stale" })
})

it("ignores a cache made from other code of the same length", () => {
  // V8 would take this cache (its own check is little more than the length): only the launcher's digest stops it.
  const path = join(copy, "program.cjs")
  const program = readFileSync(path, "utf8")
  const at = program.lastIndexOf("program.cjs.map")
  expect(at).toBeGreaterThan(0)
  writeFileSync(path, `${program.slice(0, at)}program.cjs.maq${program.slice(at + "program.cjs.map".length)}`)
  expect(readFileSync(path).length).toBe(Buffer.byteLength(program))
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "stale" })
})

it("runs when V8 refuses a damaged cache", () => {
  const path = join(copy, "program.cjs.cache")
  const cache = readFileSync(path)
  // The first 32 bytes name the program; damage what comes after, where V8's own header is.
  for (let index = 32; index < 96; index++) cache[index] = (cache[index] ?? 0) ^ 0xff
  writeFileSync(path, cache)
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "rejected" })
})

it("writes a cache only after a run that succeeded", () => {
  const cache = join(copy, "program.cjs.cache")
  rmSync(cache)
  const write = (args: ReadonlyArray<string>) =>
    spawnSync(process.execPath, [join(copy, "bin.js"), ...args], {
      env: { PATH: process.env.PATH ?? "", PANTHER_AUDIT_CODE_CACHE: "write" },
      encoding: "utf8"
    }).status
  // No URL: a usage error, exit 2, whose run is no model of the program's work.
  expect(write(["run"])).toBe(2)
  expect(existsSync(cache)).toBe(false)
  expect(write(["--version"])).toBe(0)
  expect(version(copy)).toEqual({ code: 0, stdout: VERSION, cache: "used" })
})

it.runIf(process.versions.v8.startsWith("11."))(
  "sets its V8 flags before the program is compiled: the simulator, without them, cannot use the cache",
  () => {
    // V8 checks a cache against the flags it was made with; the build made it with the audit's flags.
    const simulate = spawnSync(process.execPath, [join(DIST, "bin.js"), "simulate", "--help"], {
      env: { PATH: process.env.PATH ?? "", PANTHER_AUDIT_CODE_CACHE: "report" },
      encoding: "utf8"
    })
    expect(simulate.status).toBe(0)
    expect(/code cache (\w+)/.exec(simulate.stderr)?.[1]).toBe("rejected")
    expect(version(DIST).cache).toBe("used")
  }
)

it.runIf(!process.versions.v8.startsWith("11."))(
  "uses the cache for the simulator too on a V8 it sets no flags for (Node 22's, as in the image)",
  () => {
    const simulate = spawnSync(process.execPath, [join(DIST, "bin.js"), "simulate", "--help"], {
      env: { PATH: process.env.PATH ?? "", PANTHER_AUDIT_CODE_CACHE: "report" },
      encoding: "utf8"
    })
    expect(simulate.status).toBe(0)
    expect(/code cache (\w+)/.exec(simulate.stderr)?.[1]).toBe("used")
  }
)

it("sets only V8 flags this V8 knows", () => {
  // setFlagsFromString only complains about a flag V8 does not know; Node's command line refuses it, so it tells.
  const result = spawnSync(process.execPath, [...launcherV8Flags(["node", "bin.js", "run"]), "-e", "0"], {
    encoding: "utf8"
  })
  expect({ code: result.status, stderr: result.stderr }).toEqual({ code: 0, stderr: "" })
})

it("tunes V8 only where it was measured, and leaves the simulator at V8's defaults", () => {
  const run = ["node", "bin.js", "run"]
  expect(launcherV8Flags(run, "11.3.244.8-node.33")).toEqual(["--interrupt-budget=270336"])
  expect(launcherV8Flags(run, "12.4.254.21-node.33")).toEqual([])
  expect(launcherV8Flags(["node", "bin.js", "simulate", "--port", "0"], "11.3.244.8-node.33")).toEqual([])
  expect(launcherV8Flags(["node", "bin.js", "--log-level", "warning", "simulate"], "11.3.244.8-node.33")).toEqual([])
  expect(launcherV8Flags(["node", "bin.js", "demo"], "11.3.244.8-node.33")).toEqual(["--interrupt-budget=270336"])
})
