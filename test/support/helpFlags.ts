/**
 * Every flag a command's `--help` lists, as the built command prints it: what a completion script must offer after
 * that command.
 */
import { runCli } from "./cli.js"

/** The paths of the commands that take flags, in the order help lists them. */
export const COMMAND_PATHS = [
  "run",
  "demo",
  "schedule",
  "users list",
  "users get",
  "users create",
  "users update",
  "users delete",
  "simulate",
  "review",
  "export",
  "verify"
] as const

/** The flags `panther-audit <path> --help` lists under OPTIONS, with `--log-format`, which its DESCRIPTION names. */
export const helpFlags = async (path: string): Promise<ReadonlyArray<string>> => {
  const result = await runCli([...path.split(" "), "--help"])
  if (result.code !== 0) throw new Error(`${path} --help exited ${result.code}: ${result.stderr}`)
  const options = result.stdout.slice(result.stdout.indexOf("\nOPTIONS\n"))
  const flags = [...options.matchAll(/^(?:\((-[a-z]), )?(--[a-z][a-z0-9-]*)/gmu)].flatMap(([, short, long = ""]) =>
    short === undefined ? [long] : [short, long]
  )
  return result.stdout.includes("--log-format json|pretty") ? [...flags, "--log-format"] : flags
}
