/**
 * `npm run build`: bundles the command and the benchmark from the TypeScript sources into dist/ with esbuild.
 *
 * Loading one bundle is about twice as fast as loading the ~900 ES modules that tsc's output imports from
 * node_modules (effect, @effect/cli, ...), which was most of the command's start-up time. The bundle holds every
 * dependency, so dist/ runs without node_modules (the image's runtime stage copies dist/ alone).
 *
 * The entry points keep the paths tsc gave them (src/X.ts -> dist/X.js), since package.json's bin and scripts,
 * the Dockerfile and the benchmark name them. The subcommands that src/Cli/Main.ts imports lazily stay separate
 * chunks, loaded only by the command that needs them; code shared between entries and chunks lands in
 * dist/chunks/. Type checking is not done here: `npm run typecheck` (part of `npm test`) does it.
 */
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = fileURLToPath(new URL("..", import.meta.url))

/** Output paths are dist/ + the entry's path under src/, .ts -> .js. */
const ENTRY_POINTS = ["src/bin.ts", "src/Bench/main.ts", "src/Bench/Floor.ts", "src/Bench/Probe.ts"]

// The new dist/ is written beside the old one and then takes its place whole: nothing stale from an earlier build
// (or from tsc's per-file output) lingers, and a test run or benchmark using dist/ while another build runs (each
// `npm test` builds first) never finds it missing or half written. Next to dist/, so that the source maps' paths,
// relative to the map, stay right after the move.
const STAGING = `dist.building-${process.pid}`
const PREVIOUS = `dist.previous-${process.pid}`
const at = (path) => join(root, path)

/** Puts the staged build in dist/'s place, retrying if another build's dist/ lands there in between. */
const replaceDist = () => {
  for (let attempt = 1; ; attempt++) {
    rmSync(at(PREVIOUS), { recursive: true, force: true })
    try {
      renameSync(at("dist"), at(PREVIOUS))
    } catch (error) {
      if (error.code !== "ENOENT") throw error
    }
    try {
      renameSync(at(STAGING), at("dist"))
      return
    } catch (error) {
      if ((error.code !== "ENOTEMPTY" && error.code !== "EEXIST") || attempt === 5) throw error
    }
  }
}

try {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outbase: "src",
    outdir: STAGING,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    // Some dependencies are CommonJS (nodemailer, ws, ...) and `require` Node's built-in modules, which an ES
    // module has no `require` for. Named apart from anything the bundled code may import.
    banner: {
      js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);'
    },
    // Minified: measured about 10 ms (3%) faster to start than unminified. Stack traces then name minified code;
    // `node --enable-source-maps dist/bin.js ...` maps them back to src/ (the maps do not hold the sources).
    minify: true,
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "none",
    metafile: true,
    logLevel: "warning"
  })

  // Code that finds files relative to its own module (`new URL("../bin.js", import.meta.url)`, as
  // src/Bench/Processes.ts does) is only right if it lands in an output file in the same folder as its source did:
  // bundled into a shared chunk in dist/chunks/, it would look in the wrong place. Refuse such a build.
  const misplaced = []
  for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
    if (!output.endsWith(".js")) continue
    for (const input of Object.keys(inputs)) {
      if (!input.startsWith("src/") || !readFileSync(at(input), "utf8").includes("import.meta.url")) continue
      if (dirname(relative("src", input)) !== dirname(relative(STAGING, output))) {
        misplaced.push(`${input} -> ${join("dist", relative(STAGING, output))}`)
      }
    }
  }
  if (misplaced.length > 0) {
    throw new Error(
      `these sources resolve paths from import.meta.url but were bundled into another folder:\n  ${misplaced.join("\n  ")}`
    )
  }

  // dist/ runs on its own, without the project's package.json next to it (the image copies dist/ alone), so it
  // says itself that its .js files are ES modules, rather than leave Node to guess from their syntax.
  writeFileSync(at(`${STAGING}/package.json`), '{ "type": "module" }\n')
  chmodSync(at(`${STAGING}/bin.js`), 0o755)
  replaceDist()
} catch (error) {
  // esbuild has printed its own errors already; dist/ is left as it was.
  if (!(error instanceof Error && "errors" in error)) process.stderr.write(`build: ${error.message ?? error}\n`)
  process.exitCode = 1
} finally {
  rmSync(at(STAGING), { recursive: true, force: true })
  rmSync(at(PREVIOUS), { recursive: true, force: true })
}
