/**
 * What another user of a shared report directory can do to a name this tool reads: give it to a named pipe and back
 * to a plain file, over and over, in a process of its own. A look at the name then finds a file, and an opening a
 * moment later the pipe, which waits for a writer for ever.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { endWithTest } from "./ChildProcesses.js"

const SWAP_PIPE_AND_FILE = `
const { execFileSync } = require("node:child_process")
const { linkSync, renameSync, writeFileSync } = require("node:fs")
const { join } = require("node:path")
const [folder, name, content] = process.argv.slice(1)
const pipe = join(folder, ".swap-pipe")
const file = join(folder, ".swap-file")
execFileSync("mkfifo", [pipe])
writeFileSync(file, content)
for (;;) {
  for (const from of [pipe, file]) {
    try {
      linkSync(from, from + "-link")
      renameSync(from + "-link", join(folder, name))
    } catch {}
  }
}
`

/** Swaps `name` in `folder` between a named pipe and a file holding `content` until killed (or the test ends). */
export const swapPipeAndFile = (folder: string, name: string, content: string): ChildProcess =>
  endWithTest(spawn(process.execPath, ["-e", SWAP_PIPE_AND_FILE, folder, name, content], { stdio: "ignore" }))
