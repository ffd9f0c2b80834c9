/**
 * The command tree. Each subcommand lives beside the feature it drives and is added here;
 * layers are provided in `bin.ts`.
 */
import { Command } from "@effect/cli"
import { demoCommand } from "../Audit/DemoCommand.js"
import { runCommand } from "../Audit/RunCommand.js"
import { exportCommand } from "../Export/ExportCommand.js"
import { verifyCommand } from "../Export/VerifyCommand.js"
import { reviewCommand } from "../Review/ReviewCommand.js"
import { scheduleCommand } from "../Schedule/ScheduleCommand.js"
import { simulateCommand } from "../Simulator/SimulateCommand.js"
import { usersCommand } from "../Users/UsersCommand.js"
import { VERSION } from "../Version.js"

export const rootCommand = Command.make("panther-audit").pipe(
  Command.withDescription(
    "Audits the users of a Panther SIEM instance: stale logins, pending invitations, compromised and privileged accounts. " +
      "Logging, for every command and in any position: --log-format json|pretty (env LOG_FORMAT; json unless stderr " +
      "is a terminal) and --log-level all|trace|debug|info|warning|error|fatal|none (env LOG_LEVEL; default info)."
  ),
  Command.withSubcommands([
    runCommand,
    demoCommand,
    scheduleCommand,
    usersCommand,
    simulateCommand,
    reviewCommand,
    exportCommand,
    verifyCommand
  ])
)

export const runCli = Command.run(rootCommand, { name: "panther-audit", version: VERSION })
