/** A realistic mix of findings for the message tests and the preview: every code, hostile and non-Latin names. */

import { NO_SUBJECT } from "../../../src/Audit/Finding.js"
import type { AnnotatedFinding } from "../../../src/Audit/FindingAnnotations.js"
import { finding } from "./AuditOutcomeFixture.js"

export const XSS_NAME = "<script>alert(1)</script>"

export const sampleFindings: ReadonlyArray<AnnotatedFinding> = [
  finding({
    severity: "critical",
    finding: "COMPROMISED_ACCOUNT",
    userId: "u-9",
    email: "kim@acme.example",
    givenName: "Kim",
    familyName: "Nguyen",
    status: "COMPROMISED",
    daysSinceLogin: 3,
    detail: "Cognito status COMPROMISED: disable the account and rotate its credentials"
  }),
  finding({
    severity: "high",
    finding: "STALE_LOGIN",
    userId: "u-2",
    email: "grace@acme.example",
    givenName: "Grace",
    familyName: "Hopper",
    roleId: "role-admin",
    roleName: "Admin",
    daysSinceLogin: 212,
    detail: "last login 212 days ago (more than 90); privileged: role Admin holds UserModify"
  }),
  finding({
    severity: "high",
    finding: "NEVER_LOGGED_IN",
    userId: "u-3",
    email: "mallory@acme.example",
    givenName: XSS_NAME,
    familyName: "O'Brien & <b>Sons</b>",
    roleId: "role-admin",
    roleName: "Admin",
    lastLoggedInAt: null,
    daysSinceLogin: null,
    detail: "never logged in; created more than 90 days ago; privileged: role Admin holds UserModify"
  }),
  finding({
    severity: "high",
    finding: "INVALID_RECORD",
    userId: "u-4",
    email: "jeongmin@acme.example",
    givenName: "정민",
    familyName: "김",
    roleName: "Helpdesk",
    daysSinceLogin: null,
    detail: 'lastLoggedInAt "yesterday" is not an ISO 8601 timestamp'
  }),
  ...Array.from({ length: 9 }, (_, index) =>
    finding({
      userId: `u-m${index}`,
      email: `analyst${index}@acme.example`,
      givenName: `Analyst${index}`,
      familyName: "Example",
      daysSinceLogin: 95 + index * 7
    })
  ),
  finding({
    severity: "medium",
    finding: "PENDING_STATUS",
    userId: "u-5",
    email: "new.hire@acme.example",
    givenName: "New",
    familyName: "Hire",
    status: "FORCE_CHANGE_PASSWORD",
    lastLoggedInAt: null,
    daysSinceLogin: null,
    detail:
      "FORCE_CHANGE_PASSWORD: invitation not accepted (temporary password never changed); created more than 7 days ago"
  }),
  finding({
    severity: "low",
    finding: "PENDING_STATUS",
    userId: "u-6",
    email: "intern@acme.example",
    givenName: "Summer",
    familyName: "Intern",
    status: "FORCE_CHANGE_PASSWORD",
    lastLoggedInAt: null,
    daysSinceLogin: null,
    detail:
      "FORCE_CHANGE_PASSWORD: invitation not accepted (temporary password never changed); created within the last 7 days"
  }),
  finding({
    severity: "info",
    finding: "PRIVILEGED_ROLE",
    userId: "u-7",
    email: "root@acme.example",
    givenName: "Ops",
    familyName: "Admin",
    roleName: "Admin",
    daysSinceLogin: 1,
    detail: "role Admin holds UserModify"
  }),
  finding({
    ...NO_SUBJECT,
    severity: "info",
    finding: "PRIVILEGED_ROLE",
    userId: "u-8",
    email: "sso.admin@acme.example",
    detail: "role Admin holds UserModify"
  })
]
