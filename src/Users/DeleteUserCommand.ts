/**
 * `panther-audit users delete ID`: asks first when a person is at the terminal. Without a terminal there is no one
 * to ask, so it refuses unless `--yes` says the caller means it.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { tell } from "../Cli/CommandNotes.js"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { connectionOptions, pantherClientLayer } from "../Cli/ConnectionOptions.js"
import { withLoggingHelp } from "../Cli/LoggingHelp.js"
import { promptOnStderr } from "../Cli/StderrPrompt.js"
import { BadRequest, type NotFound } from "../PantherApi/ClientErrors.js"
import { PantherClient } from "../PantherApi/PantherClient.js"
import { printable } from "../PantherApi/Responses.js"
import { askBeforeDeleting } from "./DeleteConfirmation.js"
import { emailForIdSaid } from "./EmailForId.js"
import { userIdArg } from "./GetUserCommand.js"
import { foundJustBefore } from "./GoneMeanwhile.js"
import { sayIfStopped } from "./StoppedChange.js"
import { refuseSecretInAddress } from "./UserFields.js"

export const deleteUserCommand = Command.make(
  "delete",
  {
    connection: connectionOptions,
    id: userIdArg,
    yes: Options.boolean("yes").pipe(
      Options.withAlias("y"),
      Options.withDescription("Delete without asking (needed when stdin or stderr is not a terminal).")
    ),
    ifExists: Options.boolean("if-exists").pipe(
      Options.withDescription(
        "A user Panther does not have (already deleted, by an earlier run of an offboarding script) is no error: " +
          "exit 0, saying so."
      )
    )
  },
  (args) =>
    Effect.gen(function* () {
      const client = yield* PantherClient
      // Before the id is quoted by any message.
      yield* refuseSecretInAddress(client.holdsSecret, "The user id", args.id)
      if (!args.yes && process.stdin.isTTY !== true) {
        return yield* new ConfigurationError({
          message: printable(
            `Not deleting user ${args.id}: stdin is not a terminal, so there is no one to confirm. Add --yes.`
          )
        })
      }
      // The question is asked on stderr (stdout carries data): sent to a file or a pipe (`2>>delete.log`), it would
      // be seen by no one while the command waits for its answer, and break a log of JSON lines.
      if (!args.yes && process.stderr.isTTY !== true) {
        return yield* new ConfigurationError({
          message:
            `Not deleting user ${printable(args.id)}: stderr is not a terminal, so the question asking to confirm ` +
            "would not be seen. Add --yes, or leave stderr on the terminal."
        })
      }
      const deleted = Effect.gen(function* () {
        // Looked up first even with --yes: a mistyped id is a "not found" before anything is sent, and the delete's
        // own "not found" after a lost answer can then only mean the first attempt worked (see settleDelete).
        // A record that fails the schema (an INVALID_RECORD of the audit) is still a user to delete.
        const record = yield* client.getUserRecord(args.id).pipe(emailForIdSaid(client, "users delete", args.id))
        if (!args.yes) {
          // Names from the server go on a terminal right before a delete that cannot be undone: no escape sequences.
          const who = printable(
            record._tag === "ValidUser"
              ? `${record.user.givenName} ${record.user.familyName} <${record.user.email}>`
              : // The schema's own wording of what is wrong reads as code; `users get` shows the record.
                `the user${Option.match(record.email, { onNone: () => "", onSome: (email) => ` <${email}>` })} whose ` +
                  "record does not match the API's description"
          )
          const confirmed = yield* askBeforeDeleting(
            `Delete ${who} (${printable(args.id)})? This cannot be undone.`
          ).pipe(
            promptOnStderr,
            // Ctrl-C or Ctrl-D at the question: no signal comes (the terminal is in raw mode), so it ends here as one
            // would, with 130.
            Effect.catchTag("QuitException", () =>
              tell("done", "\nNothing deleted.").pipe(Effect.zipRight(Effect.interrupt))
            )
          )
          if (!confirmed) return yield* tell("done", "Nothing deleted.")
        }
        yield* client
          .deleteUser(args.id)
          .pipe(foundJustBefore, sayIfStopped("the user may have been deleted", `users get ${args.id}`))
        yield* tell("done", printable(`Deleted user ${args.id}.`))
      })
      // Not found, at the lookup or at the delete itself (someone else was quicker): gone, as the caller wants, once
      // the list confirms it. A wrong --api-url answers 404 too, and taking that for "gone" would leave an account
      // that was to be removed in place, with exit 0; there the list fails as well. An email given for the id has
      // been refused at the lookup already, when a user holds it (EmailForId.ts).
      const confirmGone = (notFound: NotFound) =>
        Effect.gen(function* () {
          const listed = yield* Stream.runCollect(client.listUsers({ ids: [args.id], includeDeactivated: true })).pipe(
            Effect.catchTag("BadRequest", (refused) =>
              Effect.fail(new BadRequest({ ...refused, lookup: "confirmGone" }))
            )
          )
          if (!Chunk.isEmpty(listed)) return yield* notFound
          yield* tell("done", printable(`No user ${args.id} in Panther: nothing to delete (--if-exists).`))
        })
      yield* args.ifExists ? Effect.catchTag(deleted, "NotFound", confirmGone) : deleted
    }).pipe(Effect.provide(pantherClientLayer(args.connection)))
).pipe(Command.withDescription(withLoggingHelp("Delete a user; needs a token with Manage Users.")))
