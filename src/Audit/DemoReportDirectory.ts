/**
 * The demo's report directory, made when it is missing, and unmade when the demo is refused before writing in it:
 * exit 2 says nothing was changed, and a typo in another flag left empty folders behind.
 */
import { mkdir, rmdir } from "node:fs/promises"
import { dirname, resolve } from "node:path"
import * as Effect from "effect/Effect"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { unexpandedPathHint } from "../Cli/UnexpandedPath.js"
import { describeFsError, hasErrorCode } from "../Reports/ReportError.js"

/**
 * Makes `directory` with its missing parents, and gives back what removes those it made while they are still empty.
 *
 * A fresh checkout has ./reports; anywhere else the demo makes the folder rather than fail. One it cannot make is
 * said so: the check after would call it missing and ask the user to create it, which fails alike. A file in the way
 * (EEXIST, ENOTDIR) is left to that check, which says so. So is a path a shell would have expanded (~/reports, from an
 * env file), never made: a folder named "~" beside the user's files is one `rm -rf ~` away from the user's home.
 */
export const makeDemoReportDirectory = (
  directory: string
): Effect.Effect<{ readonly unmake: Effect.Effect<void> }, ConfigurationError> =>
  Effect.gen(function* () {
    const nothingMade = { unmake: Effect.void }
    if (unexpandedPathHint(directory) !== undefined) return nothingMade
    const made = yield* Effect.promise(() =>
      mkdir(directory, { recursive: true }).then(
        (first) => ({ first }),
        (error: unknown) => (hasErrorCode(error, "EEXIST", "ENOTDIR") ? {} : { notMade: describeFsError(error) })
      )
    )
    if ("notMade" in made) {
      return yield* new ConfigurationError({
        message:
          `report directory ${directory}: it does not exist and could not be made (${made.notMade}); ` +
          "create it or pass another --report-dir"
      })
    }
    const first = "first" in made ? made.first : undefined
    if (first === undefined) return nothingMade
    // From the deepest up to the first made; rmdir removes only an empty folder, so one written in since stays.
    const unmake = Effect.promise(async () => {
      const top = resolve(first)
      for (let folder = resolve(directory); ; folder = dirname(folder)) {
        const removed = await rmdir(folder).then(
          () => true,
          () => false
        )
        if (!removed || folder === top || dirname(folder) === folder) return
      }
    })
    return { unmake }
  })
