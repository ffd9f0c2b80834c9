/**
 * What the user stream yields: a valid user, or a record that failed validation. A bad record is never dropped
 * and never aborts the stream: the audit reports it as an INVALID_RECORD finding.
 */
import { Data, type Option } from "effect"
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
  }
}>
export const UserRecord = Data.taggedEnum<UserRecord>()
