/**
 * Writes the sample audit email (HTML, text and .eml) to a directory, to look at in a browser or mail client:
 *
 *   npx vite-node test/Email/support/renderPreview.ts -- /tmp/email-preview
 *   chromium --headless --screenshot=/tmp/email.png --window-size=1000,1400 file:///tmp/email-preview/email.html
 *
 * Not a test: how a message looks is for a person to judge.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { composeAuditMessage } from "../../../src/Email/ComposeMessage.js"
import { scanFindingsCsv } from "../../../src/Email/CsvAttachment.js"
import { DEFAULT_HARD_CAP_BYTES, DEFAULT_PLAIN_MAX_BYTES } from "../../../src/Email/EmailSettings.js"
import { buildMessage } from "../../../src/Email/WriteEml.js"
import { reportDirectory, writeOutcome } from "./AuditOutcomeFixture.js"
import { sampleFindings } from "./SampleFindings.js"

const target = process.argv.slice(2).find((arg) => arg !== "--") ?? "/tmp/email-preview"

const program = Effect.gen(function* () {
  const directory = yield* reportDirectory
  const outcome = yield* writeOutcome(directory, sampleFindings, {
    warnings: [
      "Roles could not be read (PantherApiError), so privilege was decided by role names and ids only, not by permissions: 403 forbidden"
    ],
    privilegeSource: "role-names-only"
  })
  const attachment = { plainMaxBytes: DEFAULT_PLAIN_MAX_BYTES, hardCapBytes: DEFAULT_HARD_CAP_BYTES }
  const scanned = yield* scanFindingsCsv(outcome.reports.csv, attachment)
  const message = composeAuditMessage(
    {
      from: { name: "Panther audit", address: "audit@acme.example" },
      to: [{ name: "", address: "security@acme.example" }],
      cc: [],
      subjectPrefix: "[Panther user audit]",
      attachment
    },
    { outcome, ...scanned },
    { messageId: "<preview@acme.example>", date: new Date("2026-06-30T12:00:08Z") }
  )
  const raw = yield* buildMessage(message)
  mkdirSync(target, { recursive: true })
  writeFileSync(join(target, "email.html"), String(message.html))
  writeFileSync(join(target, "email.txt"), String(message.text))
  writeFileSync(join(target, "email.eml"), raw)
  console.log(`subject: ${message.subject}\nwritten to ${target}`)
})

Effect.runPromise(Effect.scoped(program)).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
