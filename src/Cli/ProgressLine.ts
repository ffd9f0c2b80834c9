/**
 * A one-line progress display on stderr for a person at a terminal. Elsewhere (a container, a pipe) it stays
 * silent: log lines say the same without carriage returns filling a log file.
 */
import type { AuditProgress } from "../Audit/RunAudit.js"

export const progressHooks = (): { onProgress?: (progress: AuditProgress) => void } =>
  process.stderr.isTTY
    ? { onProgress: (progress) => process.stderr.write(`\r  ${progress.pages} pages, ${progress.users} users...`) }
    : {}

export const clearProgressLine = (): void => {
  if (process.stderr.isTTY) process.stderr.write("\r\u001b[K")
}
