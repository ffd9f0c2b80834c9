/**
 * Tests that start the real command (`node dist/bin.js ...`) need `dist/` to match the sources under test, so the
 * build runs once before any test file.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url))
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" })
}
