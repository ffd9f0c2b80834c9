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
        "the file system's own)",
      // Said bare, these left an operator to look the code up: each now says what is in the way, and what to do.
      ENOTEMPTY: "a folder with files in it is in the way under that name: move or remove it",
      EEXIST: "something already has that name: move or remove it",
      ENAMETOOLONG: "the name or the path is longer than the file system allows: choose a shorter directory path",
      EXDEV:
        "it would move a file to another file system, which a rename cannot do: keep the folder on one file system " +
        "(not a mount point inside it)",
      EBUSY:
        "it is busy: a mount point, or held open by another program (as Windows and some network shares hold files " +
        "in use); try again once it is free",
      EMFILE: "this process has as many files open as it may (raise its limit, as `ulimit -n` sets)",
      ENFILE:
        "the system has as many files open as it may (its limit, fs.file-max on Linux): try again once other " +
        "programs have closed some"
    }
    return hints[code] ?? code
  }
  return error instanceof Error ? error.message : String(error)
}
