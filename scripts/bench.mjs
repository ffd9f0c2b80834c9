/**
 * `npm run bench`: starts the benchmark, which `npm run build` bundles into dist/ with the program. Without dist/,
 * Node's "Cannot find module" and a stack trace said nothing of building; this says what to run. Whether dist/ is
 * complete and newer than the sources the benchmark checks itself (src/Bench/Build.ts).
 */
import { existsSync } from "node:fs"

const entry = new URL("../dist/Bench/main.js", import.meta.url)

if (existsSync(entry)) {
  await import(entry.href)
} else {
  process.stderr.write(
    "bench: dist/ is not built: run `npm run build`, then the benchmark (`npm run build && npm run bench`)\n"
  )
  // Refused before starting, as the benchmark exits when it refuses a setting or a stale build.
  process.exitCode = 2
}
