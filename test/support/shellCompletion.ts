/**
 * What Tab offers in zsh and fish, asked of the real shells with a completion script loaded as a user's shell loads
 * it. zsh completes only in its line editor, so an interactive zsh is run on a pseudo-terminal (its `zpty` module),
 * typed the line and a Tab; `compadd`, which every completion goes through, records what it was given to offer.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect } from "vitest"
import { runCli } from "./cli.js"

/** Whether `shell` is installed here; the tests that need it are skipped otherwise. */
export const hasShell = (shell: "zsh" | "fish"): boolean => spawnSync(shell, ["--version"]).status === 0

/**
 * Run by `zsh -f`: starts an interactive zsh with the completion system on, loads the script ($1), types the line
 * ($2) and a Tab, and prints what was offered, one a line. The markers are typed split (`<<""end>>`) so that the
 * terminal's echo of the typing is not taken for them.
 */
const ZSH_DRIVER = `
zmodload zsh/zpty || { print -u2 "zsh has no zpty module"; exit 3 }
zpty shell zsh -f -i
zpty -w shell "PROMPT= RPROMPT= ; autoload -U compinit && compinit -u -D"
zpty -w shell "source \${(q)1}"
zpty -w shell '__offered=(); __done() { print; print -r -- "<<""offered>>\${(pj:\\0:)__offered}<<""end>>"; exit }'
zpty -w shell 'comppostfuncs=( __done )'
zpty -w shell 'compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return $?; fi
  local -a matched; builtin compadd -A matched "$@"; __offered+=( $matched )
  builtin compadd "$@"
}'
zpty -w shell 'bindkey "^I" complete-word; bindkey "^M" undefined-key; bindkey "^J" undefined-key'
zpty -n -w shell "$2"$'\\t'
shown=
while zpty -r shell chunk; do shown+=$chunk; [[ $shown == *"<<end>>"* ]] && break; done
zpty -d shell
shown=\${\${shown##*<<offered>>}%%<<end>>*}
[[ -n $shown ]] && print -rl -- \${(ps:\\0:)shown}
exit 0
`

const lines = (text: string): ReadonlyArray<string> => text.split("\n").filter((line) => line !== "")

/**
 * What a Tab at the end of `line` offers in zsh with `script` (its text) loaded, in no particular order, run in `cwd`
 * (whose files zsh offers where a file name may come).
 */
export const completeInZsh = (script: string, line: string, cwd: string): ReadonlyArray<string> => {
  const directory = mkdtempSync(join(tmpdir(), "zsh-completion-"))
  try {
    writeFileSync(join(directory, "driver.zsh"), ZSH_DRIVER)
    writeFileSync(join(directory, "script.zsh"), script)
    const result = spawnSync("zsh", ["-f", join(directory, "driver.zsh"), join(directory, "script.zsh"), line], {
      encoding: "utf8",
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: directory, TERM: "dumb" },
      timeout: 30_000
    })
    if (result.status !== 0)
      throw new Error(`zsh: ${result.error ?? `exited ${result.status} ${result.signal}`} ${result.stderr}`)
    return lines(result.stdout.replaceAll("\r", ""))
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

/**
 * What a Tab at the end of `line` offers in fish with `script` (its text) loaded, without descriptions, run in
 * `cwd` (whose files fish offers where a file name may come).
 */
export const completeInFish = (script: string, line: string, cwd: string): ReadonlyArray<string> => {
  const directory = mkdtempSync(join(tmpdir(), "fish-completion-"))
  try {
    writeFileSync(join(directory, "script.fish"), script)
    const result = spawnSync(
      "fish",
      ["--no-config", "-c", "source $argv[1]; and complete -C $argv[2]", join(directory, "script.fish"), line],
      { encoding: "utf8", cwd, env: { PATH: process.env.PATH ?? "", HOME: directory }, timeout: 30_000 }
    )
    if (result.status !== 0)
      throw new Error(`fish: ${result.error ?? `exited ${result.status} ${result.signal}`} ${result.stderr}`)
    return lines(result.stdout).map((offered) => offered.split("\t")[0] ?? "")
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

/**
 * For a test file: the script `--completions <shell>` prints, read before its tests, and the folder the shell runs
 * in, holding a `suppressions.yaml` for file names to be offered from, and `folders`, removed after them.
 * `offered(line)` is what a Tab at the end of `line` offers; `script()` the script itself.
 */
export const completionsIn = (shell: "zsh" | "fish", folders: ReadonlyArray<string> = []) => {
  let script = ""
  let here = ""
  beforeAll(async () => {
    here = mkdtempSync(join(tmpdir(), `${shell}-completions-`))
    writeFileSync(join(here, "suppressions.yaml"), "suppressions: []\n")
    for (const folder of folders) mkdirSync(join(here, folder))
    const result = await runCli(["--completions", shell])
    expect(result.code, result.stderr).toBe(0)
    script = result.stdout
  })
  afterAll(() => rmSync(here, { recursive: true, force: true }))
  return {
    offered: (line: string): ReadonlyArray<string> =>
      shell === "zsh" ? completeInZsh(script, line, here) : completeInFish(script, line, here),
    script: () => script
  }
}

/**
 * Holds `offered` (zsh's or fish's) to offering the values the help lists for a flag of text that takes only those
 * (`--fail-on`, `--policy`), and no others.
 */
export const expectFixedValuesOffered = (offered: (line: string) => ReadonlyArray<string>): void => {
  expect([...offered("panther-audit run --fail-on ")].sort()).toEqual([
    "critical",
    "high",
    "info",
    "low",
    "medium",
    "none"
  ])
  expect([...offered("panther-audit demo --policy ")].sort()).toEqual(["cis", "nist", "pci"])
  expect(offered("panther-audit export --fail-on me")).toEqual(["medium"])
}

/**
 * The folders `offered` gives for `line`, each once and without its trailing slash: zsh's _files hands the same
 * folder to compadd more than once, and a Tab shows it once.
 */
export const foldersOffered = (offered: (line: string) => ReadonlyArray<string>, line: string) => [
  ...new Set(offered(line).map((name) => name.replace(/\/$/u, "")))
]
