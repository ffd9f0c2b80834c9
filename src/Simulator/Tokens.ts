/**
 * The simulator's API keys and what each may do. These are test keys for a local simulator, not secrets of any
 * real system: they are documented in the README and printed at start-up. Request logs still never carry a key.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import { type Secrets, secretsOf } from "../Cli/Redact.js"
import { MANAGE_USERS, type Permission, READ_USERS } from "../PantherApi/Permissions.js"

/** The key with "Read User Info" only, used when neither `--token` nor `SIMULATOR_TOKEN` is given. */
export const DEFAULT_READ_TOKEN = "sim-read-7c1f3a9e2b6d4f08a5e1c3b7d9f20a64"

/** The key with "Read User Info" and "Manage Users", used when neither `--admin-token` nor `SIMULATOR_ADMIN_TOKEN` is given. */
export const DEFAULT_ADMIN_TOKEN = "sim-admin-4e8b2d6f1a3c5e7092b4d6f8a1c3e5b7"

export const READ_TOKEN_PERMISSIONS: ReadonlySet<Permission> = new Set([READ_USERS])
export const ADMIN_TOKEN_PERMISSIONS: ReadonlySet<Permission> = new Set([READ_USERS, MANAGE_USERS])

/**
 * The keys as secrets to keep out of the request log and error messages, read as the client reads its token: each
 * replaced where it stands, and a text it can still be read out of withheld whole, such as a path with one of its
 * characters percent-encoded (`...a6%34`), which no form replaced, or a body V8 quotes cut short to ten characters,
 * most of a short key.
 */
export const keySecrets = (keys: ReadonlyArray<string>): Secrets => secretsOf(keys, [], keys)

export interface TokenGrant {
  readonly token: string
  readonly permissions: ReadonlySet<Permission>
}

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest()

/**
 * Finds the grant for a presented key without leaking, through timing, how much of a key matched: both sides
 * are hashed to equal-length digests, compared with `timingSafeEqual`, and every grant is compared every time.
 */
export const makeKeyMatcher = (grants: ReadonlyArray<TokenGrant>) => {
  const digests = grants.map((grant) => ({ digest: digest(grant.token), permissions: grant.permissions }))
  return (presented: string): ReadonlySet<Permission> | undefined => {
    const presentedDigest = digest(presented)
    let found: ReadonlySet<Permission> | undefined
    for (const entry of digests) {
      if (timingSafeEqual(entry.digest, presentedDigest) && found === undefined) found = entry.permissions
    }
    return found
  }
}
