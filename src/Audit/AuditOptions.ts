/**
 * The audit's command-line options, shared by `run`, `schedule`, `demo`, `review` and `export`. Each has a
 * default and an environment variable, so a container can be configured without flags.
 */
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { envBoolean, envInteger, envText } from "../Cli/Environment.js"
import { requireOptionValue } from "../Cli/FlagValues.js"
import { type InputFileSecrets, NO_INPUT_FILE_SECRETS } from "../Cli/InputFileSecrets.js"
import { wholeNumberOption } from "../Cli/NumberValues.js"
import { revealsAny } from "../Cli/Redact.js"
import {
  type AuditParameters,
  DEFAULT_PENDING_DAYS,
  DEFAULT_PRIVILEGED_PERMISSIONS,
  DEFAULT_PRIVILEGED_ROLES,
  DEFAULT_STALE_DAYS
} from "./AuditParameters.js"
import { POLICIES, POLICY_STALE_DAYS, parsePolicy } from "./Policy.js"
import { FAIL_ON_VALUES } from "./Severity.js"
import { loadSuppressions } from "./Suppressions.js"
import { EARLIEST_REAL_TIME, parseTimestamp } from "./Timestamps.js"

const asOfSaying = (description: string) =>
  Options.text("as-of").pipe(
    Options.withDescription(`${description} Env: AUDIT_AS_OF.`),
    Options.withFallbackConfig(envText("AUDIT_AS_OF")),
    Options.optional
  )

/** The first instant of the year 10000. */
const AFTER_YEAR_9999 = Date.UTC(10_000, 0, 1)

const asOf = asOfSaying(
  "The instant the audit is judged at, ISO 8601 (for example 2026-06-30T00:00:00Z). Defaults to now."
)

const days = (name: string, env: string, fallback: number, description: string) =>
  wholeNumberOption(name).pipe(
    Options.withDescription(`${description} Default: ${fallback}. Env: ${env}.`),
    Options.withFallbackConfig(envInteger(env)),
    Options.withDefault(fallback)
  )

// No default here: an explicit value must be told apart from none, because it overrides --policy.
const staleDays = wholeNumberOption("stale-days").pipe(
  Options.withDescription(
    `A last login more than this many days before --as-of is stale; an account this old that never logged in is flagged. Default: the --policy preset, else ${DEFAULT_STALE_DAYS}. Env: AUDIT_STALE_DAYS.`
  ),
  Options.withFallbackConfig(envInteger("AUDIT_STALE_DAYS")),
  Options.optional
)

const policy = Options.text("policy").pipe(
  Options.withDescription(
    `Preset thresholds of a compliance regime: ${POLICIES.map((name) => `${name} (${POLICY_STALE_DAYS[name]} days)`).join(", ")}. Recorded in the reports; --stale-days overrides it. Env: AUDIT_POLICY.`
  ),
  Options.withFallbackConfig(envText("AUDIT_POLICY")),
  Options.optional
)

const suppressions = Options.text("suppressions").pipe(
  Options.mapEffect(requireOptionValue("--suppressions")),
  Options.withDescription(
    "A YAML or JSON file of accepted exceptions, {suppressions: [{user, finding, reason, owner, expires}]}. Env: AUDIT_SUPPRESSIONS."
  ),
  Options.withFallbackConfig(envText("AUDIT_SUPPRESSIONS")),
  Options.optional
)
const pendingDays = days(
  "pending-days",
  "AUDIT_PENDING_DAYS",
  DEFAULT_PENDING_DAYS,
  "A pending invitation or reset older than this many days is raised from low to medium."
)

/** A comma-separated list, as given; `fallback` is only described; see `list` for one that falls back to it. */
const listText = (name: string, env: string, fallback: ReadonlyArray<string>, description: string) =>
  Options.text(name).pipe(
    Options.withDescription(`${description} Comma-separated. Default: ${fallback.join(",")}. Env: ${env}.`),
    Options.withFallbackConfig(envText(env))
  )

const list = (name: string, env: string, fallback: ReadonlyArray<string>, description: string) =>
  listText(name, env, fallback, description).pipe(Options.withDefault(fallback.join(",")))

// No default here: a list the user set must be told apart from the default, which a warning about a listed role
// that names no role would otherwise call theirs (RunWarnings.ts).
const privilegedRoles = listText(
  "privileged-roles",
  "AUDIT_PRIVILEGED_ROLES",
  DEFAULT_PRIVILEGED_ROLES,
  "Role names (case-insensitive) or role ids whose users are privileged."
).pipe(Options.optional)
const privilegedPermissions = list(
  "privileged-permissions",
  "AUDIT_PRIVILEGED_PERMISSIONS",
  DEFAULT_PRIVILEGED_PERMISSIONS,
  "Permissions that make any role holding them privileged, as GET /roles reports them (CamelCase, e.g. UserModify)."
)

const includeDeactivatedSaying = (description: string) =>
  Options.boolean("include-deactivated").pipe(
    Options.withDescription(`${description} Env: AUDIT_INCLUDE_DEACTIVATED.`),
    Options.withFallbackConfig(envBoolean("AUDIT_INCLUDE_DEACTIVATED"))
  )

const includeDeactivated = includeDeactivatedSaying(
  "Also fetch deactivated users: they are counted, and a review lists them, flagged, but they get no findings."
)

const DEFAULT_REPORT_DIR = "./reports"

// Plain text, checked by `checkReportDirectory`: its messages name the flag and say what to do.
const reportDirOptionSaying = (whetherMade: string) =>
  Options.text("report-dir").pipe(
    // An empty value would write the reports into the current folder.
    Options.mapEffect(requireOptionValue("--report-dir")),
    Options.withDescription(
      `Where reports are written. ${whetherMade} Default: ${DEFAULT_REPORT_DIR}. Env: AUDIT_REPORT_DIR.`
    ),
    Options.withFallbackConfig(envText("AUDIT_REPORT_DIR")),
    Options.withDefault(DEFAULT_REPORT_DIR)
  )

export const reportDirOption = reportDirOptionSaying(
  "It must exist and be readable (listed) and writable: a run compares with the reports already in it."
)

/** The demo makes the folder rather than fail (it needs no configuration), so its help must not ask for it. */
export const demoReportDirOption = reportDirOptionSaying(
  "Made when it does not exist; it must be readable (listed) and writable."
)

// Text rather than a choice, so that a wrong value gets a message naming the flag and its variable.
const failOn = Options.text("fail-on").pipe(
  Options.withDescription(
    `Exit with code 1 when a finding of this severity or above is raised: ${FAIL_ON_VALUES.join(", ")} (none: never). Default: none. Env: AUDIT_FAIL_ON.`
  ),
  Options.withFallbackConfig(envText("AUDIT_FAIL_ON")),
  Options.withDefault("none")
)

const auditOptionsWith = (
  includeDeactivated: Options.Options<boolean>,
  asOfOption: Options.Options<Option.Option<string>> = asOf
) =>
  Options.all({
    asOf: asOfOption,
    staleDays,
    pendingDays,
    privilegedRoles,
    privilegedPermissions,
    includeDeactivated,
    failOn,
    policy,
    suppressions
  })

export const auditOptions = auditOptionsWith(includeDeactivated)

/**
 * An export holds every user, so it fetches deactivated ones whatever the flag says (`RunExport.ts`). It still takes
 * the flag, so that settings shared with `run` work, but its help must not offer to add what is always there.
 */
export const exportAuditOptions = auditOptionsWith(
  includeDeactivatedSaying(
    "Always on for an export, which holds every user, deactivated ones too (with no findings); taken so that " +
      "settings shared with run work."
  )
)

/**
 * A schedule judges each run at its own time, so it refuses --as-of (ScheduleCommand.ts). It still takes the flag and
 * its variable, so that one left in settings shared with run is refused rather than ignored, but its help must not
 * offer it.
 */
export const scheduleAuditOptions = auditOptionsWith(
  includeDeactivated,
  asOfSaying(
    "Refused by schedule (exit 2), which judges each run at the time it runs; taken so that settings shared with " +
      "run say so. Use it with run to audit as of another instant."
  )
)

export type AuditOptionValues = typeof auditOptions extends Options.Options<infer A> ? A : never

const splitList = (text: string): Array<string> =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")

/**
 * Panther's permission names are CamelCase identifiers (UserModify, AIRunAsModify). Any such name is accepted, not
 * only those this tool knows: Panther adds permissions, and a role holding a new admin-grade one must still be
 * auditable by it. A typo of that shape is caught at run time instead, when no role holds it (RunAudit.ts).
 */
const PERMISSION_NAME = /^[A-Z][A-Za-z0-9]*$/

/**
 * Checks the option values and turns them into the audit's parameters. `now` is the default `--as-of`.
 * Every problem is named with the flag that fixes it. `secrets`: those the suppressions file's errors must not quote.
 */
export const toAuditParameters = (
  values: AuditOptionValues,
  now: number,
  secrets: InputFileSecrets = NO_INPUT_FILE_SECRETS
): Effect.Effect<AuditParameters, ConfigurationError> =>
  Effect.gen(function* () {
    const fail = (message: string) => Effect.fail(new ConfigurationError({ message }))
    let asOfEpoch = now
    if (values.asOf._tag === "Some") {
      const parsed = parseTimestamp(values.asOf.value)
      if (parsed === undefined) {
        return yield* fail(
          `--as-of / AUDIT_AS_OF ${JSON.stringify(values.asOf.value)} is not an ISO 8601 instant; use for example ` +
            "2026-06-30T00:00:00Z"
        )
      }
      // An audit judged then would count every login after it as 0 days old, and flag no one stale.
      if (parsed < EARLIEST_REAL_TIME) {
        return yield* fail(
          `--as-of / AUDIT_AS_OF ${JSON.stringify(values.asOf.value)} is before 2000, before any login Panther ` +
            "records; give the instant the audit is judged at, for example 2026-06-30T00:00:00Z"
        )
      }
      // An offset can carry the last day of 9999 into the year 10000, whose ISO form (`+010000-...`) the email and
      // the review page, which cut dates out of it by position, would garble.
      if (parsed >= AFTER_YEAR_9999) {
        return yield* fail(
          `--as-of / AUDIT_AS_OF ${JSON.stringify(values.asOf.value)} is after the year 9999, which the reports ` +
            "cannot write as a date; give the instant the audit is judged at, for example 2026-06-30T00:00:00Z"
        )
      }
      asOfEpoch = parsed
    }
    const preset = Option.isSome(values.policy) ? parsePolicy(values.policy.value) : null
    if (preset === undefined) {
      return yield* fail(
        `--policy / AUDIT_POLICY must be one of ${POLICIES.join(", ")}; got ${JSON.stringify(Option.getOrElse(values.policy, () => ""))}`
      )
    }
    const staleDays = Option.getOrElse(values.staleDays, () =>
      preset === null ? DEFAULT_STALE_DAYS : POLICY_STALE_DAYS[preset]
    )
    for (const [flag, value] of [
      ["--stale-days / AUDIT_STALE_DAYS", staleDays],
      ["--pending-days / AUDIT_PENDING_DAYS", values.pendingDays]
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0)
        return yield* fail(`${flag} must be a whole number of days, 0 or more; got ${value}`)
    }
    const failOn = FAIL_ON_VALUES.find((value) => value === values.failOn.trim().toLowerCase())
    if (failOn === undefined) {
      return yield* fail(
        `--fail-on / AUDIT_FAIL_ON must be one of ${FAIL_ON_VALUES.join(", ")}; got ${JSON.stringify(values.failOn)}`
      )
    }
    // Recorded in the reports' parameters and the email: a secret pasted here would be in every one of them.
    for (const [flag, value] of [
      ["--privileged-roles / AUDIT_PRIVILEGED_ROLES", Option.getOrElse(values.privilegedRoles, () => "")],
      ["--privileged-permissions / AUDIT_PRIVILEGED_PERMISSIONS", values.privilegedPermissions]
    ] as const) {
      if (revealsAny(value, secrets.secrets)) {
        return yield* fail(
          `${flag} holds the API token or a password (not shown): the run's settings are written into every ` +
            "report and email. Give role names or ids, or permission names, comma-separated; nothing was sent."
        )
      }
    }
    const roles = Option.match(values.privilegedRoles, {
      onNone: () => [...DEFAULT_PRIVILEGED_ROLES],
      onSome: splitList
    })
    const permissions = splitList(values.privilegedPermissions)
    const malformed = permissions.filter((permission) => !PERMISSION_NAME.test(permission))
    if (malformed.length > 0) {
      return yield* fail(
        `--privileged-permissions / AUDIT_PRIVILEGED_PERMISSIONS: ${malformed.map((name) => JSON.stringify(name)).join(", ")} ` +
          `${malformed.length === 1 ? "is not a permission name" : "are not permission names"}; permissions are ` +
          "CamelCase names as GET /roles lists them, comma-separated, for example UserModify,OrganizationAPITokenModify"
      )
    }
    return {
      asOf: asOfEpoch,
      staleDays,
      pendingDays: values.pendingDays,
      privilegedRoles: roles,
      privilegedRolesGiven: Option.isSome(values.privilegedRoles),
      privilegedPermissions: permissions,
      includeDeactivated: values.includeDeactivated,
      failOn,
      policy: preset,
      suppressionsFile: Option.getOrNull(values.suppressions),
      suppressions: Option.isSome(values.suppressions)
        ? yield* loadSuppressions(values.suppressions.value, secrets)
        : []
    }
  })
