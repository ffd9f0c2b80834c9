/**
 * The command tree. Each subcommand lives beside the feature it drives and is added here;
 * layers are provided in `bin.ts`.
 */
import { Command } from "@effect/cli"
import { simulateCommand } from "../Simulator/SimulateCommand.js"
import { usersCommand } from "../Users/UsersCommand.js"
import { VERSION } from "../Version.js"

export const rootCommand = Command.make("panther-audit").pipe(
  Command.withDescription(
    "Audits the users of a Panther SIEM instance: stale logins, pending invitations, compromised and privileged accounts."
  ),
  // Subcommands are registered here.
  Command.withSubcommands([usersCommand, simulateCommand])
)

export const runCli = Command.run(rootCommand, { name: "panther-audit", version: VERSION })
