/**
 * Tests that start the real command (`node dist/bin.js ...`) need `dist/` to match the sources under test, so the
 * build runs once before any test file. A type error does not stop the tests here: tsc still emits, and
 * `npm test` runs the type check first, which fails on it.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url))
  try {
    execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" })
  } catch {
    process.stderr.write("globalSetup: the build reported errors; tests run against what it emitted.\n")
  }
}
