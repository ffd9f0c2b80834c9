/**
 * The command tree. Each subcommand lives beside the feature it drives and is added here;
 * layers are provided in `bin.ts`.
 */
import { Command } from "@effect/cli"
import { demoCommand } from "../Audit/DemoCommand.js"
import { runCommand } from "../Audit/RunCommand.js"
import { usersCommand } from "../Users/UsersCommand.js"
import { VERSION } from "../Version.js"

export const rootCommand = Command.make("panther-audit").pipe(
  Command.withDescription(
    "Audits the users of a Panther SIEM instance: stale logins, pending invitations, compromised and privileged accounts."
  ),
  Command.withSubcommands([runCommand, demoCommand, usersCommand])
)

export const runCli = Command.run(rootCommand, { name: "panther-audit", version: VERSION })
