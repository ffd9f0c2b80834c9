import * as Schema from "effect/Schema"
import { ExitCode } from "../Cli/ExitCode.js"

/** A report that could not be written. No file is left under a final name when this is raised. */
export class ReportError extends Schema.TaggedError<ReportError>()("ReportError", {
  message: Schema.String
}) {
  readonly exitCode = ExitCode.OutputFailure
}

/** Whether a file system error has one of these codes (`EEXIST`, ...). */
export const hasErrorCode = (error: unknown, ...codes: ReadonlyArray<string>): boolean =>
  typeof error === "object" && error !== null && "code" in error && codes.includes(String(error.code))

export const describeFsError = (error: unknown): string => {
  // @effect/platform's errors carry a reason of their own (NotFound, PermissionDenied, BadResource).
  if (typeof error === "object" && error !== null && Reflect.get(error, "_tag") === "SystemError") {
    const reason = String(Reflect.get(error, "reason"))
    const platformHints: Record<string, string> = {
      NotFound: "it does not exist",
      PermissionDenied: "permission denied",
      BadResource: "it is not a file that can be read (a folder?)"
    }
    return platformHints[reason] ?? reason
  }
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = String((error as { readonly code: unknown }).code)
    const hints: Record<string, string> = {
      ENOENT: "it does not exist",
      ENOTDIR: "a part of the path is not a directory",
      EACCES: "permission denied",
      EPERM: "operation not permitted",
      EROFS: "the file system is read-only",
      EISDIR: "it is a folder, not a file",
      EIO: "an input/output error, from a failing disk or network share",
      ELOOP: "a link in the path leads round in a loop",
      ENOSPC: "no space left on the device",
      EDQUOT: "disk quota exceeded",
      // Said bare, EFBIG left an operator to look up the errno: a limit on file size was reached, not the disk's end.
      EFBIG:
        "the file grew past the largest size this process may write (a file size limit, as `ulimit -f` sets, or " +
        "the file system's own)"
    }
    return hints[code] ?? code
  }
  return error instanceof Error ? error.message : String(error)
}
