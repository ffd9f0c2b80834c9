/**
 * One user of a review, kept compact: a review holds every user in scope in memory to sort them (privileged
 * first, then by role and name), so a row carries only what the workbook, the HTML and the inventory print.
 * Timestamps are epoch numbers rather than text, findings one number (`FindingSet`), and the few distinct role
 * and status strings are shared between rows instead of repeated 200,000 times.
 */
import * as Option from "effect/Option"
import type { FindingCode } from "../Audit/Finding.js"
import type { AnnotatedFinding } from "../Audit/FindingAnnotations.js"
import type { Judgement } from "../Audit/JudgeUser.js"
import { UserRecord } from "../PantherApi/UserRecord.js"
import { type FindingSet, findingSetOf, NO_FINDINGS } from "./FindingSet.js"

/** A timestamp as epoch ms when it parsed; the text as received when it did not; `null` when absent. */
export type ReviewTimestamp = number | string | null

/** A finding of the user that a suppression entry covers, and why: the findings report's `suppression_reason`. */
export interface SuppressedFinding {
  readonly code: FindingCode
  readonly reason: string
}

/** Almost every row: one array for all of them rather than one each. */
const NONE_SUPPRESSED: ReadonlyArray<SuppressedFinding> = []

export interface ReviewRow {
  readonly userId: string
  readonly email: string
  readonly givenName: string
  readonly familyName: string
  readonly roleId: string
  readonly roleName: string
  readonly status: string
  /**
   * As the run judged it; for a record that failed validation, as far as it could be read (one whose `enabled` is
   * no boolean is judged as able to sign in). `null` for a record that is not an object: nothing is known of it.
   */
  readonly enabled: boolean | null
  /** As the run judged it, by the role that could be read; `null` for a record that is not an object. */
  readonly privileged: boolean | null
  /** Why the user is privileged ("role Helpdesk holds UserModify"); "" when not. */
  readonly privilegeReason: string
  readonly createdAt: ReviewTimestamp
  readonly lastLoggedInAt: ReviewTimestamp
  readonly findings: FindingSet
  /** Those of `findings` a suppression covers (still findings: accepted, not hidden); usually none. */
  readonly suppressed: ReadonlyArray<SuppressedFinding>
  /**
   * Why the record failed validation (the schema, or an unparseable timestamp), deactivated or not; "" for a valid
   * record.
   */
  readonly invalidReason: string
}

/** Turns the stream's records into rows, sharing the strings that repeat across users. */
export const makeReviewRowBuilder = () => {
  const shared = new Map<string, string>()
  const share = (text: string): string => {
    const known = shared.get(text)
    if (known !== undefined) return known
    shared.set(text, text)
    return text
  }

  /** The reason text of one entry is the same for every user it covers: shared, like roles. */
  const suppressedOf = (findings: ReadonlyArray<AnnotatedFinding>): ReadonlyArray<SuppressedFinding> => {
    const suppressed = findings.filter((finding) => finding.suppressed)
    return suppressed.length === 0
      ? NONE_SUPPRESSED
      : suppressed.map((finding) => ({ code: finding.finding, reason: share(finding.suppressionReason ?? "") }))
  }

  /** `findings` are the user's findings as the run's reports have them (see `RunAuditOptions.onUser`). */
  return (
    record: UserRecord,
    judgement: Judgement | undefined,
    findings: ReadonlyArray<AnnotatedFinding>
  ): ReviewRow => {
    if (UserRecord.$is("InvalidUser")(record)) {
      // What could be read of it, as the run judged it; nothing but the reason for a record that is no object.
      const read = judgement?.facts.subject
      const privilege = judgement?.facts.privilege
      return {
        userId: Option.getOrElse(record.userId, () => ""),
        email: Option.getOrElse(record.email, () => ""),
        givenName: read?.givenName ?? "",
        familyName: read?.familyName ?? "",
        roleId: share(read?.roleId ?? ""),
        roleName: share(read?.roleName ?? ""),
        status: share(read?.status ?? ""),
        enabled: read?.enabled ?? null,
        privileged: privilege?.privileged ?? null,
        privilegeReason: privilege?.privileged === true ? privilege.reason : "",
        // As for a valid record: epoch ms when the timestamp parsed, else the text read (a value that is not text
        // reads "(not text: ...)"), else none. The subject's ISO texts are not a ReviewTimestamp: every view took
        // them for unparseable, so a record invalid for another field lost good dates and its days since login.
        createdAt: judgement?.facts.createdAt ?? judgement?.facts.user.createdAt ?? null,
        lastLoggedInAt: judgement?.facts.lastLoggedInAt ?? judgement?.facts.user.lastLoggedInAt ?? null,
        // Its INVALID_RECORD finding, as the run raised it.
        findings: findingSetOf(findings),
        suppressed: suppressedOf(findings),
        invalidReason: judgement?.facts.problems.join("; ") ?? record.reason
      }
    }
    const { user } = record
    return {
      userId: user.id ?? "",
      email: user.email,
      givenName: user.givenName,
      familyName: user.familyName,
      roleId: share(user.role.id ?? ""),
      roleName: share(user.role.name ?? ""),
      status: share(user.status ?? ""),
      enabled: user.enabled,
      privileged: judgement?.facts.privilege.privileged ?? false,
      // The policy judges each role once and hands every user of it the same verdict, so this is shared already.
      privilegeReason: judgement?.facts.privilege.reason ?? "",
      createdAt: judgement?.facts.createdAt ?? user.createdAt ?? null,
      lastLoggedInAt: judgement?.facts.lastLoggedInAt ?? user.lastLoggedInAt ?? null,
      findings: judgement === undefined ? NO_FINDINGS : findingSetOf(judgement.findings),
      suppressed: suppressedOf(findings),
      // Deactivated too: the inventory says the record is invalid; the figures count enabled ones, as the run does.
      invalidReason: judgement === undefined ? "" : judgement.facts.problems.join("; ")
    }
  }
}
