/**
 * INVALID_RECORD: a record the audit could not fully judge. High, because every such record is a user whose
 * access nobody checked; the run goes on and the detail says what was wrong.
 */
import * as Option from "effect/Option"
import { type Finding, NO_SUBJECT } from "../Finding.js"
import { type UserRule, userFinding } from "./Rule.js"

/**
 * A timestamp that is present but unparseable; the rest of the record is still judged. One finding per user,
 * whatever the number of bad fields: a finding's id is its code and user, and two alike would pass for one.
 */
export const invalidTimestampRule: UserRule = (facts) =>
  facts.problems.length === 0
    ? []
    : [userFinding(facts, { severity: "high", finding: "INVALID_RECORD", detail: facts.problems.join("; ") })]

/** A record that failed the User schema: only its id and email, when readable, are known. */
export const invalidRecordFinding = (record: {
  readonly userId: Option.Option<string>
  readonly email: Option.Option<string>
  readonly reason: string
}): Finding => ({
  severity: "high",
  finding: "INVALID_RECORD",
  ...NO_SUBJECT,
  userId: Option.getOrNull(record.userId),
  email: Option.getOrNull(record.email),
  detail: record.reason
})
