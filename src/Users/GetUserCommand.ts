/** `panther-audit users get ID`: one user, as JSON on stdout, every field Panther sent included. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Effect from "effect/Effect"
import { connectionOptions, pantherClientLayer } from "../Cli/ConnectionOptions.js"
import { requireArgValue } from "../Cli/FlagValues.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { PantherClient } from "../PantherApi/PantherClient.js"
import { printable } from "../PantherApi/Responses.js"
import { emailForIdSaid } from "./EmailForId.js"
import { InvalidRecord } from "./InvalidRecords.js"
import { refuseSecretInAddress } from "./UserFields.js"
import { describeInvalidRecord, printUser, tellSecretsQuoted } from "./UserOutput.js"

export const userIdArg = Args.text({ name: "id" }).pipe(
  Args.mapEffect(requireArgValue("The user id", "the id `users list` shows")),
  // An id read from a file with CRLF endings, or cut from a CSV, comes with space no id has.
  Args.map((id) => id.trim()),
  // Sent in the path, `.` and `..` would be steps that any proxy or server normalizing the URL takes: a delete of
  // `..` would go to /users itself, or to /. No id Panther makes is either.
  Args.mapEffect((id) =>
    id === "." || id === ".."
      ? Effect.fail(HelpDoc.p(`The user id "${id}" is a step in a path, not an id: give the id \`users list\` shows.`))
      : Effect.succeed(id)
  ),
  // Ids separated by commas, spaces or line breaks (an offboarding list pasted whole, `users delete "$(cat
  // offboard.txt)" --if-exists`) are several users, and no Panther id holds such a character. Taken for one id,
  // Panther had no such user and the delete said there was nothing to delete, exit 0, while every account stayed;
  // with commas, `delete --if-exists` listed them by the `ids` filter, which splits at commas, and blamed Panther or
  // a proxy for ignoring it. The id is not quoted back: a token pasted by mistake is refused only later.
  Args.mapEffect((id) => {
    const separator = id.includes(",") ? "a comma" : /\s/u.test(id) ? "a space or line break" : undefined
    return separator === undefined
      ? Effect.succeed(id)
      : Effect.fail(
          HelpDoc.p(
            `The user id holds ${separator}, which no Panther user id does: give one id, and run the command ` +
              "once for each user."
          )
        )
  }),
  Args.withDescription("The user's id (see `users list`).")
)

export const getUserCommand = Command.make("get", { connection: connectionOptions, id: userIdArg }, (args) =>
  Effect.gen(function* () {
    const client = yield* PantherClient
    yield* refuseSecretInAddress(client.holdsSecret, "The user id", args.id)
    const { record, asSent } = yield* client.getUserAsSent(args.id).pipe(emailForIdSaid(client, "users get", args.id))
    // A record that does not match the API description is shown too: whoever mends it needs to see what is wrong.
    yield* printUser(asSent)
    yield* tellSecretsQuoted(client)
    if (record._tag === "InvalidUser") {
      return yield* new InvalidRecord({
        who: describeInvalidRecord(record.userId, record.email),
        id: printable(args.id),
        reason: printable(record.reason)
      })
    }
  }).pipe(Effect.provide(pantherClientLayer(args.connection)))
).pipe(Command.withDescription(withLoggingHelp("Show one user as JSON.")))
