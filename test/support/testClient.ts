/** A PantherClient for tests: a known token to search logs and errors for, and retries fast enough for real time. */
import { Duration, Effect, Logger, Redacted } from "effect"
import type { ConnectionSettings, RetryPolicy } from "../../src/PantherApi/Connection.js"
import { PantherClient, pantherClientFor } from "../../src/PantherApi/PantherClient.js"
import type { RoleRecord } from "../../src/PantherApi/RoleRecord.js"
import type { RoleWithPermissions } from "../../src/PantherApi/Schemas.js"

/** Distinctive, so finding it anywhere it should not be is unambiguous. */
export const TOKEN = "pat-SECRET-7f3a9c2e41d8b6"

export const fastRetry: RetryPolicy = {
  maxAttempts: 3,
  maxElapsed: Duration.seconds(10),
  baseDelay: Duration.millis(5),
  maxDelay: Duration.millis(20),
  maxRetryAfter: Duration.millis(50)
}

export const settingsFor = (baseUrl: string, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings => ({
  baseUrl,
  token: Redacted.make(TOKEN),
  requestTimeout: Duration.seconds(5),
  retry: fastRetry,
  ...overrides
})

export const clientLayer = (baseUrl: string, overrides: Partial<ConnectionSettings> = {}) =>
  pantherClientFor(settingsFor(baseUrl, overrides))

/** Every log line, formatted as logfmt, for assertions on what was (and was not) logged. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const layer = Logger.replace(
    Logger.defaultLogger,
    Logger.make((options) => {
      lines.push(Logger.logfmtLogger.log(options))
    })
  )
  return { lines, layer }
}

/** A raw user as the API sends it. */
export const rawUser = (id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  email: `${id}@example.com`,
  givenName: "Given",
  familyName: `Family-${id}`,
  role: { id: "role-analyst", name: "Analyst" },
  enabled: true,
  status: "CONFIRMED",
  createdAt: "2024-01-02T03:04:05Z",
  lastLoggedInAt: "2025-01-02T03:04:05.123Z",
  ...overrides
})

export const runWithClient = <A, E>(
  baseUrl: string,
  use: (client: PantherClient) => Effect.Effect<A, E>,
  overrides: Partial<ConnectionSettings> = {}
) => Effect.flatMap(PantherClient, use).pipe(Effect.provide(clientLayer(baseUrl, overrides)))

/** The roles of a `listRoles` read whole; an entry that could not be read fails the test, naming why. */
export const readRoles = (records: Iterable<RoleRecord>): Array<RoleWithPermissions> =>
  [...records].map((record) => {
    if (record._tag === "ValidRole") return record.role
    throw new Error(`a role could not be read: ${record.reason}`)
  })
