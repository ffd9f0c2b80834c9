/**
 * A one-line progress display on stderr for a person at a terminal. Elsewhere (a container, a pipe) it stays
 * silent: log lines say the same without carriage returns filling a log file.
 */
import type { AuditProgress } from "../Audit/JudgePages.js"

/**
 * The progress line on the terminal now, "" for none: what a log line or the summary must clear first. Its length
 * is what a terminal without escape sequences (TERM=dumb) needs to blank it.
 */
let shown = ""

export const progressHooks = (): { onProgress?: (progress: AuditProgress) => void } =>
  process.stderr.isTTY
    ? {
        onProgress: (progress) => {
          // Counts only grow, so each line covers the one before it.
          shown = `  ${progress.pages} pages, ${progress.users} users...`
          process.stderr.write(`\r${shown}`)
        }
      }
    : {}

/**
 * Erases the progress line, if one is shown, so that what comes next starts a line of its own: a log line written
 * after it (a retry's warning, "audit finished") was appended to it. The next progress redraws it. A terminal that
 * knows no escape sequences (TERM=dumb: an editor's shell buffer) showed `ESC [ K` as text: there it is overwritten
 * with spaces.
 */
export const clearProgressLine = (): void => {
  if (shown === "") return
  const length = shown.length
  shown = ""
  process.stderr.write(process.env.TERM === "dumb" ? `\r${" ".repeat(length)}\r` : "\r\u001b[K")
}
