/**
 * Tests that start the real command (`node dist/bin.js ...`) need `dist/` to match the sources under test, so the
 * build runs once before any test file. The build (esbuild, scripts/build.mjs) does not type check: `npm test` runs
 * the type check first. A failed build (a syntax error) prints its errors, and the other tests still run.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url))
  try {
    execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" })
  } catch {
    process.stderr.write("globalSetup: the build failed (errors above); tests of dist/ run against whatever it left.\n")
  }
}
