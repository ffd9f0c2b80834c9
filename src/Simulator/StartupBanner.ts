/**
 * The block `simulate` prints on stdout when it is ready: where it listens, the two keys, what it serves and which
 * faults are on. The built-in test keys are printed so a person can copy them into curl; keys someone chose with
 * --token or an environment variable are not echoed, since they may be reused elsewhere.
 */
import { type FaultOptions, hasFaults } from "./Faults.js"
import type { RunningSimulator } from "./Server.js"

export interface BannerInfo {
  readonly customReadToken: boolean
  /**
   * Whether a chosen read key came from SIMULATOR_TOKEN, which the curl line can then name. One given only as
   * --token is in no variable: `$SIMULATOR_TOKEN` there would send an empty key and get a 401.
   */
  readonly readTokenFromVariable?: boolean
  readonly customAdminToken: boolean
  /** Where the users came from, e.g. "generated (seed 1)". */
  readonly source: string
  readonly faults: FaultOptions
}

/** A share as a percentage, without the binary fraction's noise: 0.07 is 7%, not 7.000000000000001%. */
const percent = (share: number): string => `${Number.parseFloat((share * 100).toPrecision(12))}%`

const describeFaults = (faults: FaultOptions): string => {
  if (!hasFaults(faults)) return "none"
  const parts: Array<string> = []
  if ((faults.latencyMs ?? 0) > 0) parts.push(`+${faults.latencyMs}ms latency`)
  if ((faults.rateLimit ?? 0) > 0) parts.push(`429 above ${faults.rateLimit} requests/s`)
  if ((faults.errorRate ?? 0) > 0)
    parts.push(`${percent(faults.errorRate ?? 0)} random 5xx (seed ${faults.errorSeed ?? 1})`)
  const failing = faults.failRequests ?? []
  if (failing.length > 0) parts.push(`requests ${failing.join(", ")} get ${faults.failStatus ?? 503}`)
  return parts.join("; ")
}

export const formatBanner = (running: RunningSimulator, info: BannerInfo): string => {
  const readKey = info.customReadToken ? "(set by --token / SIMULATOR_TOKEN)" : running.readToken
  const adminKey = info.customAdminToken ? "(set by --admin-token / SIMULATOR_ADMIN_TOKEN)" : running.adminToken
  const curlKey = !info.customReadToken
    ? running.readToken
    : info.readTokenFromVariable === true
      ? "$SIMULATOR_TOKEN"
      : "<the key given to --token>"
  return [
    "Panther Users API simulator ready",
    `  base URL:   ${running.baseUrl}`,
    `  read key:   ${readKey}   (Read User Info)`,
    `  admin key:  ${adminKey}   (Read User Info, Manage Users)`,
    `  users:      ${running.userCount}, ${info.source}, relative to ${running.now.toISOString()}`,
    `  faults:     ${describeFaults(info.faults)}`,
    `  try:        curl -H "X-API-Key: ${curlKey}" "${running.baseUrl}/users?limit=5"`,
    "Stop with Ctrl-C (SIGINT) or SIGTERM."
  ].join("\n")
}
