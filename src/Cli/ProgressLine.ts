/**
 * A one-line progress display on stderr for a person at a terminal. Elsewhere (a container, a pipe) it stays
 * silent: log lines say the same without carriage returns filling a log file.
 */
import type { AuditProgress } from "../Audit/RunAudit.js"

/** Whether the progress line is on the terminal now: what a log line or the summary must clear first. */
let shown = false

export const progressHooks = (): { onProgress?: (progress: AuditProgress) => void } =>
  process.stderr.isTTY
    ? {
        onProgress: (progress) => {
          process.stderr.write(`\r  ${progress.pages} pages, ${progress.users} users...`)
          shown = true
        }
      }
    : {}

/**
 * Erases the progress line, if one is shown, so that what comes next starts a line of its own: a log line written
 * after it (a retry's warning, "audit finished") was appended to it. The next progress redraws it.
 */
export const clearProgressLine = (): void => {
  if (!shown) return
  shown = false
  process.stderr.write("\r\u001b[K")
}
