/**
 * `panther-audit users list`: every user matching the filters, streamed to stdout.
 *
 * A record that does not match the API description is not silently dropped: it is named on stderr as it arrives,
 * the valid users are all printed, and the command then exits with 3, so a script never takes a list with holes
 * for a complete one. A list cut short by a failure says that the users printed before it are not all of them. Data
 * formats stay clean (every ndjson line and CSV row is a whole, valid user).
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { instanceLabel } from "../Audit/PantherInstance.js"
import { makeSeenIds } from "../Audit/SeenIds.js"
import { tell } from "../Cli/CommandNotes.js"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { connectionOptions, pantherClientLayer } from "../Cli/ConnectionOptions.js"
import { counted } from "../Cli/Counted.js"
import { idWithoutValue, requireOptionValue } from "../Cli/FlagValues.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { NoUsersListed, type PantherApiError } from "../PantherApi/ClientErrors.js"
import { repeatsOutnumberUsers } from "../PantherApi/Pagination.js"
import { PantherClient, type RecordAsSent, repeatsLoop } from "../PantherApi/PantherClient.js"
import { makeRepeatedIds, namingRepeatedIds } from "../PantherApi/RepeatedIds.js"
import { printable } from "../PantherApi/Responses.js"
import { Routes } from "../PantherApi/Routes.js"
import { refuseEmailForId } from "./EmailForId.js"
import { idsNotListedNote } from "./IdsNotListed.js"
import { InvalidRecords } from "./InvalidRecords.js"
import { statusFilter } from "./StatusFilter.js"
import { whileStdoutOpen } from "./StdoutClosed.js"
import { refuseSecretInAddress } from "./UserFields.js"
import { defaultFormat, describeInvalidRecord, OUTPUT_FORMATS, tellSecretsQuoted, userWriter } from "./UserOutput.js"

/** A filter; `kind` is what it takes, said when it is given empty. */
const optionalText = (name: string, description: string, kind: string) =>
  Options.text(name).pipe(
    Options.mapEffect(requireOptionValue(`--${name}`, { kind })),
    Options.withDescription(description),
    Options.optional
  )

/**
 * The ids `--id` names. The client asks for them comma-joined in `ids`, which Panther splits at its commas ("a comma
 * delimited list of IDs"), so `--id a,b` asks for two users: read so here too, or the two would be refused as users
 * the filter did not ask for. An empty one (`--id a,,b`) is a usage error, as an empty `--id` is.
 */
const idsNamed = (values: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string>, ConfigurationError> =>
  Effect.forEach(values, (value) => {
    const ids = value.split(",").map((id) => id.trim())
    // Not quoted: a token pasted into --id by mistake would be shown with it (the address check comes later).
    if (ids.includes("")) {
      return Effect.fail(
        new ConfigurationError({
          message:
            "--id holds an empty id (a comma at an end, or two in a row): ids are separated by commas, as Panther " +
            "reads them; give ids only."
        })
      )
    }
    // Ids on lines or separated by spaces (`--id "$(cat offboarded.txt)"`) were asked for as one id that no user has:
    // the note that none was listed, exit 0, read as every account gone while each could still sign in.
    return ids.some((id) => /\s/u.test(id))
      ? Effect.fail(
          new ConfigurationError({
            message:
              "--id holds an id with a space or line break inside, which no Panther user id has: separate ids with " +
              "commas, or repeat --id."
          })
        )
      : Effect.succeed(ids)
  }).pipe(Effect.map((ids) => ids.flat()))

/**
 * Panther's `email` filter ignores every other ("If provided all other parameters are ignored"): `--email X --status
 * FORCE_CHANGE_PASSWORD` listed X whatever its status, exit 0, to a script that acts on each user listed. Refused
 * before anything is sent, naming the filters given. `--include-deactivated` narrows nothing, and stays.
 */
const refuseFiltersBesideEmail = (
  contains: Option.Option<string>,
  status: Option.Option<string>,
  ids: ReadonlyArray<string>
): Effect.Effect<void, ConfigurationError> => {
  const ignored = [
    ...(Option.isSome(contains) ? ["--contains"] : []),
    ...(Option.isSome(status) ? ["--status"] : []),
    ...(ids.length > 0 ? ["--id"] : [])
  ]
  if (ignored.length === 0) return Effect.void
  const named = ignored.length === 1 ? `${ignored[0]}` : `${ignored.slice(0, -1).join(", ")} and ${ignored.at(-1)}`
  return Effect.fail(
    new ConfigurationError({
      message:
        `Panther ignores ${named} beside --email, and would list the user with that email whatever ` +
        `${ignored.length === 1 ? "it asks" : "they ask"} for: give --email alone, or ${named} without it. ` +
        "Nothing was sent."
    })
  )
}

export const listUsersCommand = Command.make(
  "list",
  {
    connection: connectionOptions,
    contains: optionalText(
      "contains",
      "Only users whose name or email contains this (case-insensitive).",
      "the text to look for in names and emails"
    ),
    email: optionalText(
      "email",
      "Only the user with exactly this email, deactivated or not; not with --contains, --status or --id, which " +
        "Panther would ignore. When none has it exactly, every user holding it in another case, with a note.",
      "the email address of the user to list"
    ),
    status: optionalText(
      "status",
      "Only users with this Cognito status, e.g. FORCE_CHANGE_PASSWORD.",
      "a Cognito status, e.g. CONFIRMED"
    ),
    ids: Options.text("id").pipe(
      Options.withDescription("Only this user id; repeat for more, or separate them with commas."),
      // Optional around repeated: the usage line then shows it in brackets, [--id text...], as it may be left out;
      // bare, `--id text...` read as a flag every list must be given.
      Options.repeated,
      Options.optional,
      Options.map(Option.getOrElse((): Array<string> => []))
    ),
    includeDeactivated: Options.boolean("include-deactivated").pipe(
      Options.withDescription("Include deactivated users (left out by default).")
    ),
    format: Options.choice("format", OUTPUT_FORMATS).pipe(
      Options.withDescription("Output format; default table on a terminal, ndjson otherwise."),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function* () {
      const emptyId = idWithoutValue(process.argv)
      if (emptyId !== undefined) return yield* new ConfigurationError({ message: emptyId })
      const ids = yield* idsNamed(args.ids)
      if (Option.isSome(args.email)) yield* refuseFiltersBesideEmail(args.contains, args.status, ids)
      const client = yield* PantherClient
      // Filters travel in the request's address; before any note quotes one.
      const filters = [
        ["--contains", args.contains],
        ["--email", args.email],
        ["--status", args.status],
        ...ids.map((id) => ["--id", Option.some(id)] as const)
      ] as const
      for (const [flag, value] of filters) {
        if (Option.isSome(value)) yield* refuseSecretInAddress(client.holdsSecret, flag, value.value)
      }
      const terminal = process.stdout.isTTY === true
      const format = Option.getOrElse(args.format, () => defaultFormat(terminal))
      const writer = yield* userWriter(format, terminal)
      const status = Option.map(args.status, statusFilter)
      if (Option.isSome(status) && status.value.note !== undefined) yield* tell("note", printable(status.value.note))
      const invalid = yield* Ref.make(0)
      // The client passes on once a user repeated across a page boundary; one repeated further apart (the list
      // shifting while it is read) is caught here, as the audit catches it.
      const seenIds = makeSeenIds()
      let repeated = 0
      const repeatedIds = makeRepeatedIds()
      let taken = 0
      /** Users written to stdout as they came (ndjson and CSV; the table waits for the end). */
      let printed = 0
      // The ids `--id` asked for that came back, valid or not; kept only for such a list, which is short.
      const listedIds = new Set<string>()
      /** One record of the list: printed, or named on stderr when it does not match the API description. */
      const take = ({ record, asSent }: RecordAsSent) =>
        Effect.gen(function* () {
          const id = record._tag === "ValidUser" ? record.user.id : Option.getOrUndefined(record.userId)
          if (ids.length > 0 && id !== undefined) listedIds.add(id.toLowerCase())
          // As the audit does: a record naming a user already taken is a repeat, valid or not.
          if (id !== undefined && id !== "" && !seenIds.take(id)) {
            repeated++
            repeatedIds.add(id)
            return
          }
          taken++
          if (record._tag === "InvalidUser") {
            yield* Ref.update(invalid, (count) => count + 1)
            yield* tell(
              "warning",
              `${describeInvalidRecord(record.userId, record.email)} does not match the API description and ` +
                `is left out: ${printable(record.reason)}`
            )
          } else {
            yield* writer.write(record.user, asSent)
            if (format !== "table") printed++
          }
        })
      const email = Option.getOrUndefined(args.email)?.trim()
      /**
       * Panther's `email` filter matches the address exactly, case included, where Panther itself takes addresses
       * in any case (it refuses a new user whose email differs from one it has in case alone): an offboarding
       * script asking for Kim.Lee@acme.com would be told of no user while kim.lee@acme.com can still sign in.
       * When the exact match finds nobody, the address is looked for in any case.
       */
      const inAnyCase =
        email === undefined
          ? Effect.void
          : Effect.gen(function* () {
              if (taken > 0 || (yield* Ref.get(invalid)) > 0 || repeated > 0) return
              // Every account holding it: an offboarding script must not be told of one while another can sign in.
              const found = Chunk.toReadonlyArray(yield* Stream.runCollect(client.usersByEmail(email)))
              if (found.length === 0) return
              for (const entry of found) yield* take(entry)
              const accounts = found.map(({ record }) =>
                record._tag === "ValidUser"
                  ? { email: record.user.email, deactivated: !record.user.enabled }
                  : { email: Option.getOrElse(record.email, () => ""), deactivated: record.readable?.enabled === false }
              )
              const held =
                accounts
                  .map((account) => `${account.email}${account.deactivated ? " (deactivated)" : ""}`)
                  .join(" and ") + (found.length === 1 ? "" : ` (${found.length} accounts)`)
              // An account holding the address exactly that the filter did not list: one deactivated, which the notes
              // have GET /users leave out unless asked for, and the filter may too.
              const exact = accounts.filter((account) => account.email === email)
              yield* tell(
                "note",
                printable(
                  exact.length === 0
                    ? `no user has exactly the email ${email}; Panther holds it as ${held}, listed above.`
                    : `the email filter listed nobody, yet Panther holds ${held}, listed above` +
                        (exact.every((account) => account.deactivated)
                          ? ": the filter may leave deactivated accounts out."
                          : ".")
                )
              )
            })
      const listed = yield* client
        .listUsersAsSent({
          // Searched for as given; an exact email and a status have no space around them (UserFields.ts), a known
          // status is spelled as Cognito spells it (StatusFilter.ts), and @effect/cli already trims the values of a
          // repeated flag (--id).
          contains: Option.getOrUndefined(args.contains),
          email,
          status: Option.getOrUndefined(status)?.status,
          ids,
          includeDeactivated: args.includeDeactivated
        })
        .pipe(
          // A page at a time, so that a list sending far more repeats than users is stopped (see the guard).
          Stream.runForEachChunk((page) =>
            Effect.gen(function* () {
              for (const entry of Chunk.toReadonlyArray(page)) yield* take(entry)
              if (repeatsOutnumberUsers(repeated, taken)) {
                return yield* Effect.fail(repeatsLoop((yield* client.stats).pagesFetched, repeated, taken))
              }
            })
          ),
          Effect.zipRight(inAnyCase),
          // The users printed before a failure are a list's beginning that reads like a whole one: said so, or a
          // person (or a script that keeps stdout and ignores the exit code) takes them for every user there is.
          Effect.tapError(() =>
            printed === 0
              ? Effect.void
              : tell(
                  "warning",
                  `the list is incomplete: it stopped at the failure below, after the ${counted(printed, "user")} ` +
                    "printed above; run it again once that is dealt with."
                )
          ),
          Effect.zipRight(writer.finish),
          whileStdoutOpen
        )
      // Whoever closed stdout wanted no more; nothing left to report to them.
      if (!listed) return
      // With no filter, as for the audit, not an empty instance but a wrong address or token: a script reconciling
      // its users against the list would otherwise take everyone for gone.
      const filtered =
        Option.isSome(args.contains) || Option.isSome(args.email) || Option.isSome(args.status) || ids.length > 0
      if (taken === 0 && !filtered) {
        return yield* new NoUsersListed({
          method: Routes.listUsers.method,
          path: Routes.listUsers.path,
          host: instanceLabel(client.baseUrl),
          pagesFetched: (yield* client.stats).pagesFetched,
          consequence: "nothing-printed"
        })
      }
      // With those the client left out at page boundaries: every record Panther sent is accounted for.
      const stats = yield* client.stats
      const repeats = repeated + stats.repeatsDropped
      if (repeats > 0) {
        const ids = namingRepeatedIds([...stats.repeatsDroppedIds, ...repeatedIds.named()])
        yield* tell(
          "note",
          `${counted(repeats, "record")} from Panther repeated a user already listed or reported ` +
            `${ids}; left out, so each user is listed once, as first sent.`
        )
      }
      // Every id given is accounted for (--email, which Panther lets override them, is refused beside --id).
      const notListed =
        ids.length === 0
          ? undefined
          : idsNotListedNote(
              {
                asked: ids,
                includeDeactivated: args.includeDeactivated,
                otherFilters: Option.isSome(args.contains) || Option.isSome(args.status)
              },
              listedIds
            )
      if (notListed !== undefined) {
        // An email given for an id (a check that an offboarded user is gone, fed addresses) lists no one, and the
        // note would say Panther has no such user while one holds the address and can sign in: refused, naming
        // that user's id, as `get`, `update` and `delete` refuse it. Should the search fail, the note is said.
        for (const id of ids) {
          if (!id.includes("@") || listedIds.has(id.toLowerCase())) continue
          yield* refuseEmailForId(client, "users list --id", id).pipe(
            Effect.catchIf(
              (error): error is PantherApiError => error._tag !== "ConfigurationError",
              () => Effect.void
            )
          )
        }
        yield* tell("note", notListed)
      }
      yield* tellSecretsQuoted(client)
      const count = yield* Ref.get(invalid)
      if (count > 0) return yield* Effect.fail(new InvalidRecords({ count }))
    }).pipe(Effect.provide(pantherClientLayer(args.connection)))
).pipe(Command.withDescription(withLoggingHelp("List users: ndjson, csv or a table on stdout.")))
