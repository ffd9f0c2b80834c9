/**
 * What the user stream yields: a valid user, or a record that failed validation. A bad record is never dropped
 * and never aborts the stream: the audit reports it as an INVALID_RECORD finding.
 */
import * as Data from "effect/Data"
import type * as Option from "effect/Option"
import type { User } from "./Schemas.js"

export type UserRecord = Data.TaggedEnum<{
  /** A record that decoded against the `User` schema. */
  ValidUser: { readonly user: User }
  /**
   * A record that did not. `userId` and `email` are read from the raw record where they are strings,
   * so the report can still say whose record it was; `reason` names the field and what was wrong.
   */
  InvalidUser: {
    readonly userId: Option.Option<string>
    readonly email: Option.Option<string>
    readonly reason: string
    /**
     * What could still be read of it, for the rules to judge; undefined when the record is not an object. Each field
     * that failed is left blank (names, email), absent (id, role id or name, status), or, for a timestamp present but
     * not text, made text that reads as no time, so it is reported as unparseable rather than taken for "never". An
     * `enabled` that is no boolean is taken as true: the account may be able to sign in, so it is judged as one.
     */
    readonly readable: User | undefined
  }
}>
export const UserRecord = Data.taggedEnum<UserRecord>()
