/**
 * `panther-audit demo`: the whole audit against the built-in simulator, with no configuration. It starts the
 * simulator in this process on a free loopback port, audits its seeded users, and writes real reports.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { givenConnection } from "../Cli/ConnectionOptions.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { wholeNumberOption } from "../Cli/NumberValues.js"
import { clearProgressLine, progressHooks } from "../Cli/ProgressLine.js"
import { type DeliveryResult, describeDelivery } from "../Email/DeliveryResult.js"
import { type EmailOptionValues, emailOptionsSaying } from "../Email/EmailOptions.js"
import { defaultRequestTimeout, defaultRetryPolicy } from "../PantherApi/Connection.js"
import { serveSimulator } from "../Simulator/Server.js"
import { checkFailOn, holdingReportDirectory, prepareAuditJob, runAndDeliver } from "./AuditJob.js"
import { auditOptions, demoReportDirOption } from "./AuditOptions.js"
import { makeDemoReportDirectory } from "./DemoReportDirectory.js"
import { formatRunSummary } from "./RunSummary.js"
import { parseTimestamp } from "./Timestamps.js"

/** Its 300 users show every rule's finding, a critical COMPROMISED_ACCOUNT and an unrecognized status among them. */
const DEMO_SEED = 2021

/** The simulator serves them from this same process, beside the audit: more wants `simulate` on its own. */
const MAX_DEMO_USERS = 1_000_000

const DEFAULT_DEMO_USERS = 300

const users = wholeNumberOption("users").pipe(
  Options.withDescription(
    `How many seeded users the built-in simulator serves, 1 to ${MAX_DEMO_USERS}. Default: ${DEFAULT_DEMO_USERS}.`
  ),
  Options.withDefault(DEFAULT_DEMO_USERS)
)

/** Where the demo's email goes when MAIL_TO is not set: a newcomer sees the message as an .eml file. */
const DEMO_MAIL_TO = "security-team@example.com"

/**
 * The demo mails only recipients given to it. Without them its message, of made-up users to a made-up address, is
 * written as an .eml file even when SMTP settings are in the environment (a shell configured for `run`): sending
 * it through a real relay would only reach a stranger or bounce.
 */
const demoEmail = (email: EmailOptionValues): { readonly email: EmailOptionValues; readonly relayIgnored: boolean } =>
  Option.isSome(email.mailTo)
    ? { email, relayIgnored: false }
    : {
        email: {
          ...email,
          mailTo: Option.some(DEMO_MAIL_TO),
          smtpUrl: Option.none(),
          smtpUser: Option.none(),
          smtpPassword: Option.none(),
          smtpPasswordFile: Option.none(),
          smtpCaFile: Option.none()
        },
        relayIgnored: Option.isSome(email.smtpUrl)
      }

/** Their help says what the demo does with its email, which is not what `run` does with the same settings. */
const email = emailOptionsSaying({
  byDefault: "on-findings",
  withoutSmtpUrl:
    "Used only with --mail-to / MAIL_TO: without them the demo writes its email as an .eml file beside the " +
    "reports, contacting no mail server.",
  mailTo:
    "Recipients, comma-separated: the demo then sends its email through --smtp-url, or writes it as an .eml file " +
    `without one. Without it, the email is written as an .eml file to ${DEMO_MAIL_TO}.`
})

const describeDemoDelivery = (delivery: DeliveryResult, relayIgnored: boolean): string =>
  relayIgnored && delivery._tag === "WrittenToFile"
    ? `Email written to ${delivery.path}, not sent: the demo sends mail through SMTP_URL only to --mail-to / ` +
      "MAIL_TO. Open it in a mail client."
    : describeDelivery(delivery)

export const demoCommand = Command.make(
  "demo",
  { users, audit: auditOptions, reportDir: demoReportDirOption, email },
  (options) =>
    Effect.scoped(
      Effect.gen(function* () {
        // No users at all is what a wrong address or token looks like, and the audit fails on it (NoUsersListed).
        if (options.users < 1 || options.users > MAX_DEMO_USERS) {
          return yield* new ConfigurationError({
            message:
              `--users must be 1 to ${MAX_DEMO_USERS} for the demo, which serves them from its own process (a Panther ` +
              `always has at least one user); got ${options.users}. For more, run \`panther-audit simulate\` and ` +
              "`panther-audit run` against it."
          })
        }
        const { unmake } = yield* makeDemoReportDirectory(options.reportDir)
        // The generated users' logins are relative to the audit's instant, so a demo judged --as-of a past day
        // finds what one judged today does, not logins in its future. A bad --as-of is refused below.
        const asOf = Option.flatMap(options.audit.asOf, (text) => Option.fromNullable(parseTimestamp(text)))
        const now = Option.match(asOf, { onNone: () => ({}), onSome: (epoch) => ({ now: new Date(epoch) }) })
        const simulator = yield* serveSimulator({ users: options.users, seed: DEMO_SEED, ...now }).pipe(
          // The simulator's request log would drown the demo's own output.
          Logger.withMinimumLogLevel(LogLevel.Warning)
        )
        // A log line, not a bare one on stderr: in a pipe stderr is JSON, one object a line, for every command.
        yield* Effect.logInfo(`Simulator with ${simulator.userCount} users at ${simulator.baseUrl}; auditing...`)
        const { email, relayIgnored } = demoEmail(options.email)
        const job = yield* prepareAuditJob({
          audit: options.audit,
          reportDir: options.reportDir,
          email,
          connection: givenConnection({
            baseUrl: simulator.baseUrl,
            token: Redacted.make(simulator.readToken),
            requestTimeout: defaultRequestTimeout,
            retry: defaultRetryPolicy
          })
        }).pipe(Effect.tapError(() => unmake))
        const { outcome, delivery } = yield* runAndDeliver(job, progressHooks(), (audited) =>
          Effect.zipRight(
            Effect.sync(clearProgressLine),
            Console.log(formatRunSummary(audited.run, [audited.reports.csv, audited.reports.json]))
          )
        ).pipe(Effect.ensuring(Effect.sync(clearProgressLine)), holdingReportDirectory(job, "demo"))
        yield* Console.log(describeDemoDelivery(delivery, relayIgnored))
        yield* checkFailOn(outcome)
      })
    )
).pipe(
  Command.withDescription(
    withLoggingHelp(
      "Run the full audit against the built-in Users API simulator and write real reports.",
      "No configuration needed."
    )
  )
)
