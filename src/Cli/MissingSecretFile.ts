import { lstat, stat } from "node:fs/promises"
import { dirname, sep } from "node:path"
import * as Effect from "effect/Effect"
import { hasErrorCode } from "../Reports/ReportError.js"
import { leadingUnexpandedPathHint } from "./UnexpandedPath.js"

/** The secret a `..._FILE` variable should name a file of, and the variable that takes the secret itself. */
export interface SecretKind {
  /** "token", "password": how the message names the secret. */
  readonly name: string
  /** The variable that takes the secret as its value, for whoever meant to give it directly. */
  readonly directVariable: string
}

/**
 * Whether anything is at `path`. "denied" when a folder on the way may not be entered: the file may well be there
 * (a mounted secret whose folder is the wrong user's), so it is not said to be missing.
 */
const lookUp = (path: string): Effect.Effect<"found" | "absent" | "denied"> =>
  Effect.promise(() =>
    lstat(path).then(
      () => "found" as const,
      (error: unknown) => (hasErrorCode(error, "EACCES", "EPERM") ? ("denied" as const) : ("absent" as const))
    )
  )

const isFolder = (path: string): Effect.Effect<boolean> =>
  Effect.promise(() =>
    stat(path).then(
      (found) => found.isDirectory(),
      () => false
    )
  )

/**
 * What an error says of a secret's file when its path names nothing that exists, or nothing this user may look at;
 * undefined when it does (a folder, a file without read permission), for the caller to quote as usual.
 *
 * The value is never quoted then: a secret put in the `..._FILE` variable by mistake (a Kubernetes secretKeyRef
 * where a mounted file was meant) names no file either, and base64 secrets often hold a `/`, so it looks like a
 * path. Only the folder is quoted, and only when it exists: a real folder is no part of a secret, practically.
 */
export const missingSecretFile = (
  label: string,
  path: string,
  secret: SecretKind,
  /**
   * The file was read at start-up, and this is a later run of a schedule: its path is then a path, no secret, and
   * it is quoted; what changed is that the file went away.
   */
  readAtStartUp = false
): Effect.Effect<string | undefined> =>
  Effect.gen(function* () {
    const found = yield* lookUp(path)
    if (found === "found") return undefined
    if (readAtStartUp) {
      const now =
        found === "denied"
          ? "this user may no longer enter a folder in its path (permission denied)"
          : "it is gone now (a secret being rotated, or removed)"
      return (
        `${label} "${path}" was read at start-up, but ${now}: put the file back, or mount the secret again; the ` +
        "next run reads it anew"
      )
    }
    const notShown = `it may be the ${secret.name} itself, put there by mistake`
    const whatToDo =
      `give the path of a file that holds the ${secret.name} (a mounted secret), ` +
      `or set ${secret.directVariable} to give the ${secret.name} itself`
    if (found === "denied") {
      const folder = dirname(path)
      const where = (yield* isFolder(folder)) ? `the folder "${folder}"` : "a folder in its path"
      return (
        `${label} cannot be read: this user may not enter ${where} (permission denied). Its file name is not ` +
        `shown: ${notShown}. Give this user permission to enter the folder, or ${whatToDo}`
      )
    }
    if (!/[\\/]/.test(path)) {
      return `${label} names no file. Its value is not shown: with no folder in it, ${notShown}. To fix it, ${whatToDo}`
    }
    // A folder said not to exist that does, under the name a shell would have given it.
    const unexpanded = leadingUnexpandedPathHint(path)
    if (unexpanded !== undefined) return `${label} names no file: ${unexpanded}`
    if (sep === "/" && !path.includes("/")) {
      // A Windows path (C:\secrets\token) has no folder here: dirname gives ".", and "no file in the folder ." misled.
      return (
        `${label} names no file. Its value is not shown: ${notShown}. It holds a backslash and no "/": if it is a ` +
        `Windows path, give the path as this machine or container sees it, with "/" between folders; or ${whatToDo}`
      )
    }
    const folder = dirname(path)
    return (yield* isFolder(folder))
      ? `${label} names no file in the folder "${folder}". The file name is not shown: ${notShown}. ` +
          `Check the name, or ${whatToDo}`
      : `${label} names no file, and the folder in its path does not exist either. Its value is not shown: ` +
          `${notShown}. To fix it, ${whatToDo}`
  })
