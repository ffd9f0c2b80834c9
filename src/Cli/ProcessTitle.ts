/**
 * A token or password given as a flag is in the process's command line, which every user of the machine can read
 * (`ps aux`; on a container's host, `ps` lists the container's processes too), where its environment is readable by
 * its own user and root only. A `schedule` started so showed its secrets there for as long as it ran, days on end.
 * The program puts the command line back with those values replaced as it starts: on Linux, Node writes a new
 * process title over the memory the command line is read from. What stays: the milliseconds before the program
 * gets here, the `commandLine` of a diagnostic report Node writes (it keeps its own copy), and the process's short
 * name (/proc/<pid>/comm, what `ps -C` and `pgrep -x` match), which Node sets to the title's first 15 characters.
 * A command line with no secret on it is left alone.
 */
import { hideSecretArguments } from "./SecretArguments.js"

/** `argv` with every secret replaced, wherever it stands in an argument (Redact.ts); undefined when none was found. */
export const scrubbedArguments = (
  argv: ReadonlyArray<string>,
  secrets: ReadonlyArray<string>
): ReadonlyArray<string> | undefined => {
  if (secrets.length === 0) return undefined
  const scrubbed = argv.map((arg) => hideSecretArguments(secrets, arg))
  return scrubbed.some((arg, index) => arg !== argv[index]) ? scrubbed : undefined
}

/** Replaces the command line `ps` shows with one without `secrets` (the values of secret flags), if it has any. */
export const hideSecretsFromProcessList = (secrets: ReadonlyArray<string>): void => {
  // argv0 is the program as typed (`node`), where argv[0] is the resolved path of the executable.
  const scrubbed = scrubbedArguments([process.argv0, ...process.argv.slice(1)], secrets)
  if (scrubbed === undefined) return
  try {
    process.title = scrubbed.join(" ")
  } catch {
    // A platform where the title cannot be set: the command line stays as it was, as the README warns.
  }
}
