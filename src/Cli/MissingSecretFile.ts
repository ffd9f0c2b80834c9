import { lstat, stat } from "node:fs/promises"
import { dirname } from "node:path"
import { Effect } from "effect"

/** The secret a `..._FILE` variable should name a file of, and the variable that takes the secret itself. */
export interface SecretKind {
  /** "token", "password": how the message names the secret. */
  readonly name: string
  /** The variable that takes the secret as its value, for whoever meant to give it directly. */
  readonly directVariable: string
}

const exists = (path: string): Effect.Effect<boolean> =>
  Effect.promise(() =>
    lstat(path).then(
      () => true,
      () => false
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
 * What an error says of a secret's file when its path names nothing that exists; undefined when it does (a folder,
 * a file without read permission), for the caller to quote as usual.
 *
 * The value is never quoted then: a secret put in the `..._FILE` variable by mistake (a Kubernetes secretKeyRef
 * where a mounted file was meant) names no file either, and base64 secrets often hold a `/`, so it looks like a
 * path. Only the folder is quoted, and only when it exists: a real folder is no part of a secret, practically.
 */
export const missingSecretFile = (label: string, path: string, secret: SecretKind): Effect.Effect<string | undefined> =>
  Effect.gen(function* () {
    if (yield* exists(path)) return undefined
    const notShown = `it may be the ${secret.name} itself, put there by mistake`
    const whatToDo =
      `give the path of a file that holds the ${secret.name} (a mounted secret), ` +
      `or set ${secret.directVariable} to give the ${secret.name} itself`
    if (!/[\\/]/.test(path)) {
      return `${label} names no file. Its value is not shown: with no folder in it, ${notShown}. To fix it, ${whatToDo}`
    }
    const folder = dirname(path)
    return (yield* isFolder(folder))
      ? `${label} names no file in the folder "${folder}". The file name is not shown: ${notShown}. ` +
          `Check the name, or ${whatToDo}`
      : `${label} names no file, and the folder in its path does not exist either. Its value is not shown: ` +
          `${notShown}. To fix it, ${whatToDo}`
  })
