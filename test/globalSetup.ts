/**
 * Tests that start the real command (`node dist/bin.js ...`) need `dist/` to match the sources under test, so the
 * build runs once before any test file. The build (esbuild, scripts/build.mjs) does not type check: `npm test` runs
 * the type check first. A failed build (a syntax error) leaves the previous dist/ in place, so it stops the tests
 * rather than let them run against stale code; its errors are printed above vitest's.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url))
  try {
    execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" })
  } catch {
    throw new Error("globalSetup: `npm run build` failed (its errors are above); dist/ would not match the sources.")
  }
}
