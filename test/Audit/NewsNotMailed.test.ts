/**
 * The rules by which a run tells, from the report it compares with, what news no email has carried, and what its own
 * report says of its email. The runs themselves, mailing through a real SMTP server, are in
 * test/Email/UndeliveredEmail.test.ts.
 */
import { describe, expect, it } from "vitest"
import {
  type EmailRecord,
  emailRecordOf,
  newsNotMailed,
  notMailedWarning,
  readEmailRecord
} from "../../src/Audit/NewsNotMailed.js"
import type { PreviousReportLookup } from "../../src/Audit/PreviousReport.js"

type Found = Extract<PreviousReportLookup, { _tag: "Found" }>

const NAME = "user-audit-20261130T020000Z.json"
const EARLIER = "user-audit-20261129T020000Z.json"

const found = (
  options: { readonly email?: EmailRecord; readonly mark?: string; readonly review?: boolean } = {}
): Found => ({
  _tag: "Found",
  report: {
    path: `/reports/${NAME}`,
    runStartedAt: "2026-11-30T02:00:00.000Z",
    findings: new Map(),
    sharedIds: new Set(),
    ...(options.email === undefined ? {} : { email: options.email })
  },
  notMailedSince: options.mark,
  writtenByReview: options.review ?? false
})

describe("a report's record of its email", () => {
  it("is read when it is one of the three this tool writes, and ignored otherwise", () => {
    expect(readEmailRecord({ email: "to-follow" })).toEqual({ email: "to-follow" })
    expect(readEmailRecord({ email: "none" })).toEqual({ email: "none" })
    expect(readEmailRecord({ email: "owed", notMailedSince: EARLIER })).toEqual({
      email: "owed",
      notMailedSince: EARLIER
    })
    for (const email of [undefined, "sent", true, null, "OWED"]) expect(readEmailRecord({ email })).toBeUndefined()
  })

  it("names an earlier report only by a name this tool gives its JSON reports, and only when an email is owed", () => {
    for (const notMailedSince of ["../etc/passwd", "user-audit-20261129T020000Z.csv", "notes.json", 7]) {
      expect(readEmailRecord({ email: "owed", notMailedSince })).toEqual({ email: "owed" })
    }
    expect(readEmailRecord({ email: "none", notMailedSince: EARLIER })).toEqual({ email: "none" })
  })
})

describe("news no email has carried", () => {
  it("is none after a run that mailed and left no mark", () => {
    expect(newsNotMailed(found({ email: { email: "to-follow" } }), NAME, true)).toBeUndefined()
  })

  it("is what a mark names first: an email that may not have gone", () => {
    const previous = found({ email: { email: "owed", notMailedSince: EARLIER }, mark: NAME })
    expect(newsNotMailed(previous, NAME, false)).toEqual({ since: NAME, because: "undelivered" })
  })

  it("starts at the report of a run that sent none after one that did, or at the earlier report it names", () => {
    expect(newsNotMailed(found({ email: { email: "owed" } }), NAME, true)).toEqual({
      since: NAME,
      because: "sent-none"
    })
    expect(newsNotMailed(found({ email: { email: "owed", notMailedSince: EARLIER } }), NAME, false)).toEqual({
      since: EARLIER,
      because: "sent-none"
    })
    expect(newsNotMailed(found({ email: { email: "owed" }, review: true }), NAME, true)).toEqual({
      since: NAME,
      because: "review"
    })
  })

  it("is none where no run mailed before the one that sent none", () => {
    expect(newsNotMailed(found({ email: { email: "none" } }), NAME, true)).toBeUndefined()
    expect(newsNotMailed(found({ email: { email: "none" }, review: true }), NAME, true)).toBeUndefined()
  })

  it("is a review's whole report when the report says nothing of its email, for a run that mails", () => {
    expect(newsNotMailed(found({ review: true }), NAME, true)).toEqual({ since: NAME, because: "review" })
    expect(newsNotMailed(found({ review: true }), NAME, false)).toBeUndefined()
    expect(newsNotMailed(found(), NAME, true)).toBeUndefined()
  })
})

describe("what a run's report says of its email", () => {
  it("is to-follow for a run that mails, whatever came before", () => {
    expect(emailRecordOf(true, found({ email: { email: "owed" } }), { since: NAME, because: "sent-none" })).toEqual({
      email: "to-follow"
    })
  })

  it("owes one after a run that mailed, or carries on what is already owed", () => {
    expect(emailRecordOf(false, found({ email: { email: "to-follow" } }), undefined)).toEqual({ email: "owed" })
    expect(emailRecordOf(false, found(), { since: EARLIER, because: "sent-none" })).toEqual({
      email: "owed",
      notMailedSince: EARLIER
    })
  })

  it("owes none with no report before it, after one that owed none, or after one that says nothing", () => {
    expect(emailRecordOf(false, undefined, undefined)).toEqual({ email: "none" })
    expect(emailRecordOf(false, found({ email: { email: "none" } }), undefined)).toEqual({ email: "none" })
    expect(emailRecordOf(false, found(), undefined)).toEqual({ email: "none" })
  })
})

describe("the warning of a run that mails", () => {
  it("says whether an email may not have gone or was never sent, and where the news is", () => {
    expect(notMailedWarning({ since: NAME, because: "undelivered" }, NAME)).toContain("may not have been delivered")
    expect(notMailedWarning({ since: EARLIER, because: "undelivered" }, NAME)).toContain(`up to ${NAME}`)
    expect(notMailedWarning({ since: NAME, because: "review" }, NAME)).toContain("written by a review")
    expect(notMailedWarning({ since: NAME, because: "sent-none" }, NAME)).toContain("a run that sent no email")
    expect(notMailedWarning({ since: EARLIER, because: "sent-none" }, NAME, true)).toBe(
      `No email may have carried what changed since ${EARLIER}, which is no longer in the report directory: what is ` +
        `left of it is in the reports after it, up to ${NAME}.`
    )
    expect(notMailedWarning({ since: EARLIER, because: "sent-none" }, NAME)).toBe(
      `No email has carried what changed since ${EARLIER}: it is in that report and the ones after it, up to ${NAME}.`
    )
  })
})
