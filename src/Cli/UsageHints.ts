/**
 * @effect/cli's usage errors leave out what the reader needs. It says "Received unknown argument: '--report-dir'"
 * of a known flag given without its value (last on the line, or followed by another flag) or given twice, which
 * sends the reader looking for a typo; and "'abc' is not a integer" or "Expected one of the following cases: ..."
 * without naming the flag. Its usage errors pass through the Console, where they are reworded here with what the
 * command line shows and what the invoked command takes, as its usage line in the help says.
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { BUILT_IN_VALUES } from "./Completions.js"
import { ConfigurationError } from "./ConfigurationError.js"
import { emptyFlagValueProblem, refusesEmptyValue } from "./FlagValues.js"
import { mayBeMistypedCommand, withCommandSuggested } from "./MistypedCommand.js"
import { withoutStyle } from "./TerminalStyle.js"
import { invokedPath, mayExplainFlag, withUnknownFlagsExplained } from "./UnknownFlag.js"

const UNKNOWN_ARGUMENT = /Received unknown argument: '(--[A-Za-z0-9-]+)'/g
/** A known flag given as `--flag=value` and called unknown: empty, given twice, or taking no value. */
const UNKNOWN_ARGUMENT_WITH_VALUE = /Received unknown argument: '(--[A-Za-z0-9-]+)=([^']*)'/g
const FLAG_WITH_VALUE_NOT_RECOGNIZED =
  /The flag '(--[A-Za-z0-9-]+)=([^']*)' is not recognized\.(?: Did you mean '[^']*'\?)?/g
/** A `-name=value` or `--name=value` word of the command line. */
const NAME_AND_VALUE = /^(-{1,2}[^=]+)=(.*)$/s
/** A value shorter than this is more likely a word of the message too (`1`, `true`) than a secret. */
const MIN_HIDDEN_VALUE = 6
/** What @effect/cli says of `users lst`, where only the `users` command is loaded (Main.ts). */
const INVALID_SUBCOMMAND = /Invalid subcommand for ([a-z-]+) - use '([a-z-]+)'/g
/**
 * What @effect/cli says of a flag left without its value where the command also takes an argument (`verify
 * --expect-sha256` with the folder left out): said as the same slip is said of every other flag.
 */
const VALUE_NOT_FOLLOWING = /Expected a value following option: '(--[A-Za-z0-9-]+)'/g
const NOT_A_NUMBER = /'([^']*)' is not a (integer|float)/g
const NOT_A_CHOICE = /Expected one of the following cases: ([^\n]*)/g
/**
 * What @effect/cli says when --wizard was given a secret flag's value: the wizard shows it as `<redacted>` in the
 * command it builds, then parses that command, so a secret typed into it can never be read.
 */
const WIZARD_SECRET = /'<redacted>' is not a redacted/g

/**
 * The flags of one command, each with the kind of value it takes as the usage line shows it (`integer`, `text`,
 * `always|on-findings|...`, `text...` for a repeatable one), or undefined for one that takes none (`--yes`).
 */
export type CommandFlags = ReadonlyMap<string, string | undefined>

/** The flag `argv` gives `value` to, as `--flag value` or `--flag=value`, among those `accepts`. */
const flagGiven = (argv: ReadonlyArray<string>, value: string, accepts: (flag: string) => boolean) => {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? ""
    const equals = arg.indexOf("=")
    if (arg.startsWith("--") && equals !== -1 && arg.slice(equals + 1) === value && accepts(arg.slice(0, equals))) {
      return arg.slice(0, equals)
    }
    const previous = argv[index - 1] ?? ""
    if (arg === value && previous.startsWith("--") && accepts(previous)) return previous
  }
  return undefined
}

/** The values `argv` gives `flag`. */
const valuesGiven = (argv: ReadonlyArray<string>, flag: string): ReadonlyArray<string> =>
  argv.flatMap((arg, index) => {
    if (arg.startsWith(`${flag}=`)) return [arg.slice(flag.length + 1)]
    const next = argv[index + 1]
    return arg === flag && next !== undefined ? [next] : []
  })

/**
 * A known flag given as `--flag=` or `--flag=" "` says it is empty, as a blank value given apart does
 * (FlagValues.ts): only a repeatable one comes here so, the others being given apart first (`emptyValuesApart`).
 * One that takes no value says so.
 */
const withValue =
  (argv: ReadonlyArray<string>, flags: CommandFlags) =>
  (whole: string, flag: string, value: string): string => {
    if (!flags.has(flag)) return whole
    const takes = flags.get(flag)
    if (takes === undefined) return `${flag} takes no value: give it as ${flag}`
    if (value.trim() === "") return emptyFlagValueProblem(flag)
    if (isRepeatable(takes)) return `${flag}, which may be repeated, takes its value apart: give it as ${flag} ${value}`
    return timesGiven(argv, flag) > 1 ? `${flag} is given more than once: give it once` : whole
  }

/** A flag its usage line shows as repeatable, `--id text...`. */
const isRepeatable = (takes: string | undefined): boolean => takes?.endsWith("...") === true

/**
 * The value given to a name the command does not know is never quoted back, in any form the message may take: the
 * name may be a secret flag's mistyped (`--api-tokn=`, `--api_token=`, `-api-token=`), and SecretArguments.ts hides
 * only the values of names that sound secret. As `-name=value` the whole word is replaced wherever it stands (a path
 * may hold it); the value alone, and the word after an unknown `-name` (its value, given apart), where the message
 * quotes them: elsewhere the same letters may be the message's own words.
 */
export const hideUnknownValues = (argv: ReadonlyArray<string>, flags: CommandFlags, text: string): string => {
  const words = argv.slice(2)
  const unknownName = (name: string) => name.startsWith("-") && !flags.has(name)
  const quoted: Array<string> = []
  let hidden = text
  words.forEach((word, index) => {
    const [, name = "", value = ""] = NAME_AND_VALUE.exec(word) ?? []
    if (value !== "" && unknownName(name)) {
      hidden = hidden.split(word).join(`${name}=...`)
      quoted.push(value)
    }
    const next = words[index + 1]
    if (!word.includes("=") && unknownName(word) && next !== undefined && !next.startsWith("-")) quoted.push(next)
  })
  for (const value of quoted) {
    if (value.length < MIN_HIDDEN_VALUE) continue
    for (const mark of ["'", '"']) hidden = hidden.split(`${mark}${value}${mark}`).join(`${mark}...${mark}`)
  }
  return hidden
}

/**
 * A flag that takes no value given one (`--yes=False`): @effect/cli drops the value without a word and takes the
 * flag as given, so `users delete ID --yes=no` deleted without asking. The message, if one is.
 */
export const noValueFlagGivenOne = (argv: ReadonlyArray<string>, flags: CommandFlags): string | undefined => {
  for (const word of argv.slice(2)) {
    if (word === "--") return undefined
    const [, name = ""] = NAME_AND_VALUE.exec(word) ?? []
    if (flags.has(name) && flags.get(name) === undefined) return `${name} takes no value: give it as ${name}`
  }
  return undefined
}

/**
 * `argv` with each known flag given an empty or blank value as `--flag=` (what a script sends for an unset variable,
 * `--email="$EMAIL"`) given it apart, `--flag ""`, as @effect/cli splits `--flag=value`: it keeps `--flag=` whole
 * and calls it an unknown argument, where the flag's own check of its value says what it takes, and whether it may
 * be left out. Only a flag whose own check refuses an empty value is given apart (`refusesEmptyValue`): another may
 * take `""` as not set, and `--flag=` is refused for it as before. A repeatable flag (`--id`) is left as it is: its
 * empty value is looked for in the words themselves.
 */
export const emptyValuesApart = (argv: ReadonlyArray<string>, flags: CommandFlags): ReadonlyArray<string> => {
  const end = argv.indexOf("--")
  return argv.flatMap((word, index) => {
    if (index < 2 || (end !== -1 && index > end)) return [word]
    const [, name = "", value] = NAME_AND_VALUE.exec(word) ?? []
    const takes = flags.get(name)
    return value !== undefined &&
      value.trim() === "" &&
      takes !== undefined &&
      !isRepeatable(takes) &&
      refusesEmptyValue(name)
      ? [name, value]
      : [word]
  })
}

/** The choices of a flag its usage line lists them for (`always|on-findings|never`); none for another flag. */
const choicesOf = (takes: string | undefined): ReadonlyArray<string> | undefined =>
  takes?.includes("|") === true && !isRepeatable(takes) ? takes.split("|") : undefined

/**
 * `argv` with each choice flag's value given in another case (`--email ALWAYS`, `--format=CSV`) as the help lists
 * it: @effect/cli matches a choice as written, where the flag's variable is read in any case (Environment.ts
 * `envChoice`), so `MAIL_POLICY=ALWAYS` was taken and `--email ALWAYS` refused. A value that is no choice in any case
 * is left as given, for @effect/cli to refuse quoting it.
 */
export const choicesAsListed = (argv: ReadonlyArray<string>, flags: CommandFlags): ReadonlyArray<string> => {
  const end = argv.indexOf("--")
  const listed = (flag: string, value: string) =>
    choicesOf(flags.get(flag))?.find((choice) => choice.toLowerCase() === value.toLowerCase()) ?? value
  return argv.map((word, index) => {
    if (index < 2 || (end !== -1 && index >= end)) return word
    const [, name, value] = NAME_AND_VALUE.exec(word) ?? []
    if (name !== undefined && value !== undefined) return `${name}=${listed(name, value)}`
    const previous = argv[index - 1] ?? ""
    return index > 2 && previous.startsWith("-") ? listed(previous, word) : word
  })
}

/**
 * A value that could be a choice in another case than listed: choices are lower-case words joined by hyphens
 * (`on-findings`), so only letters and hyphens with a capital among them.
 */
const CHOICE_IN_OTHER_CASE = /^(?=[^A-Z]*[A-Z])[A-Za-z][A-Za-z-]*$/

/**
 * Whether `argv` may give a choice flag a value in another case than listed: only then is its help read for it.
 * Rendering the help of every command took about 25 ms of every start: a timestamp (`--as-of 2026-06-30T12:00:00Z`)
 * or an email with a capital paid it for no choice it could be.
 */
export const mayGiveChoiceInOtherCase = (argv: ReadonlyArray<string>): boolean =>
  argv.some((word, index) => index > 2 && (argv[index - 1] ?? "").startsWith("-") && CHOICE_IN_OTHER_CASE.test(word))

const timesGiven = (argv: ReadonlyArray<string>, flag: string): number =>
  argv.filter((arg) => arg === flag || arg.startsWith(`${flag}=`)).length

/** The message with each of the slips above said as what it is, naming the flag. */
export const explainUsageError = (argv: ReadonlyArray<string>, flags: CommandFlags, text: string): string =>
  hideUnknownValues(argv, flags, text)
    .replace(
      WIZARD_SECRET,
      "--wizard cannot take a secret typed into it (it puts <redacted> in the command it runs): leave that flag to its " +
        "default and set its environment variable (PANTHER_API_TOKEN for --api-token), or give the secret's file " +
        "(--api-token-file)"
    )
    .replace(UNKNOWN_ARGUMENT_WITH_VALUE, withValue(argv, flags))
    .replace(FLAG_WITH_VALUE_NOT_RECOGNIZED, withValue(argv, flags))
    .replace(INVALID_SUBCOMMAND, (whole, program: string, only: string) => {
      // The command given is the one offered: the word after it is what is wrong.
      const [command, sub] = argv.slice(2)
      if (command !== only || sub === undefined) return whole
      if (!sub.startsWith("-")) return `"${sub}" is not a command of ${program} ${only}: see ${program} ${only} --help`
      // A flag before the command (`users --api-url URL list`) was told to "use 'users'", the word it followed. Its
      // name alone is quoted: a value given with it may be a secret.
      const [flag] = sub.split("=")
      return (
        `"${flag}" comes before the command of ${program} ${only}: give the command first, then its flags; ` +
        `see ${program} ${only} --help`
      )
    })
    .replace(UNKNOWN_ARGUMENT, (whole, flag: string) => {
      if (!flags.has(flag)) return whole
      if (timesGiven(argv, flag) > 1 && !isRepeatable(flags.get(flag))) {
        return `${flag} is given more than once: give it once`
      }
      const at = argv.indexOf(flag)
      if (flags.get(flag) === undefined || at === -1) return whole
      const next = argv[at + 1]
      return next === undefined || next.startsWith("--") ? `${flag} needs a value` : whole
    })
    .replace(VALUE_NOT_FOLLOWING, (whole, flag: string) =>
      flags.get(flag) === undefined ? whole : `${flag} needs a value`
    )
    .replace(NOT_A_NUMBER, (whole, value: string, kind: string) => {
      const flag = flagGiven(argv, value, (name) => flags.get(name) === kind)
      const wanted = kind === "integer" ? "a whole number" : "a number"
      return flag === undefined ? whole : `${flag} must be ${wanted}; got "${value}"`
    })
    .replace(NOT_A_CHOICE, (whole, listed: string) => {
      const choices = listed.split(",").map((choice) => choice.trim())
      const kind = choices.join("|")
      for (const [flag, takes] of flags) {
        if (takes !== kind) continue
        const wrong = valuesGiven(argv, flag).find((value) => !choices.includes(value))
        if (wrong !== undefined) return `${flag} must be one of ${choices.join(", ")}; got "${wrong}"`
      }
      return whole
    })

/**
 * A usage line's flags: `[--report-dir text]` takes text, `[--email always | never]` a choice, and
 * `[--include-deactivated]` and `[(-y, --yes)]` nothing; a short alias (`-y`) takes what its flag takes.
 */
export const flagsOfUsage = (usage: string): CommandFlags => {
  const flags = new Map(
    [...usage.matchAll(/(--[a-z][a-z0-9-]*)(\)?\]?)(?: ([a-z][a-z-]*(?: \| [a-z][a-z-]*)*(?:\.\.\.)?))?/g)].map(
      // A choice is shown `always | on-findings | never`: kept as `always|on-findings|never`; a repeatable flag's
      // kind keeps its `...` (`text...`).
      ([, flag = "", closing = "", value]) => [flag, closing === "" ? value?.replaceAll(" ", "") : undefined] as const
    )
  )
  for (const [, alias = "", flag = ""] of usage.matchAll(/\((-[a-z]), (--[a-z][a-z0-9-]*)\)/g)) {
    if (flags.has(flag)) flags.set(alias, flags.get(flag))
  }
  return flags
}

/**
 * Each command's usage line in the command tree's help, by the command's path (`users list`): `[--api-url text] ...`.
 */
const usagesOf = <Name extends string, R, E, A>(root: Command.Command<Name, R, E, A>): ReadonlyMap<string, string> => {
  // Colours and styles out: the help is rendered for a terminal.
  const help = withoutStyle(HelpDoc.toAnsiText(Command.getHelp(root, CliConfig.defaultConfig)))
  // One line per command, by its path: `- users list [--api-url text] ...`.
  const usages = new Map<string, string>()
  for (const [, line = ""] of help.matchAll(/^\s*- (.*)$/gm)) {
    // The description follows after two spaces or more; it may name flags ("at or above --fail-on") too.
    const [usage = ""] = line.split(/ {2,}/)
    const tokens = usage.split(" ")
    const pathLength = tokens.findIndex((token) => !/^[a-z][a-z-]*$/.test(token))
    const path = tokens.slice(0, pathLength === -1 ? tokens.length : pathLength).join(" ")
    usages.set(path, tokens.slice(path.split(" ").length).join(" "))
  }
  return usages
}

/**
 * The flags of every command of the tree, from one rendering of its help: of a command by its path (`["users",
 * "list"]`); none for a path that names no command, or a command without flags of its own (`users`).
 */
export const flagsOfCommands = <Name extends string, R, E, A>(
  root: Command.Command<Name, R, E, A>
): ((command: ReadonlyArray<string>) => CommandFlags) => {
  const usages = usagesOf(root)
  return (command) => {
    const usage = usages.get(command.join(" "))
    return usage === undefined ? new Map() : flagsOfUsage(usage)
  }
}

/** Every command's flags, by the command's path (`users list`), from one rendering of the tree's help. */
export const flagsByCommand = <Name extends string, R, E, A>(
  root: Command.Command<Name, R, E, A>
): ReadonlyMap<string, CommandFlags> =>
  new Map([...usagesOf(root)].map(([path, usage]) => [path, flagsOfUsage(usage)] as const))

/**
 * The flags of the command `argv` invokes (the longest of its leading words that names one: `users list`), from the
 * usage line the command tree's help gives it; none when no such line is found.
 */
export const invokedFlags = <Name extends string, R, E, A>(
  root: Command.Command<Name, R, E, A>,
  argv: ReadonlyArray<string>
): CommandFlags => {
  const usages = usagesOf(root)
  const usage = usages.get(invokedPath(usages, argv) ?? "")
  return usage === undefined ? new Map() : flagsOfUsage(usage)
}

/**
 * How @effect/cli reports a variable that a flag falls back to and whose value cannot be read: Effect's ConfigError
 * as text, `(Invalid data at AUDIT_STALE_DAYS: "must be a whole number; got "ninety"")`, printed on its own, without
 * the `panther-audit:` of every other error, and then failed as a usage error.
 */
const INVALID_VARIABLE = /Invalid data at ([A-Za-z_][A-Za-z0-9_]*): "(.*?)"\)/gsu

/** Each variable named in such a text, with its problem as Environment.ts words it: `AUDIT_STALE_DAYS must be ...`. */
const invalidVariables = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(INVALID_VARIABLE)].map(([, name, problem]) => `${name} ${problem}`)

/**
 * A usage error that is a variable's bad value, as the configuration error it is, said in one line. Two flags that
 * fail together (two variables that cannot be read, or one beside a required flag left out) come joined as a
 * missing value, whatever each was: taken for no variable's, the printed text was dropped as a variable's and the
 * run said only "see --help for usage".
 */
const asVariableError = <E>(error: E): E | ConfigurationError => {
  if (
    !ValidationError.isValidationError(error) ||
    !(ValidationError.isInvalidValue(error) || ValidationError.isMissingValue(error))
  ) {
    return error
  }
  const problems = invalidVariables(HelpDoc.toAnsiText(error.error))
  return problems.length === 0
    ? error
    : new ConfigurationError({
        message:
          problems.length === 1
            ? `${problems.join("")}. Correct the environment variable, or unset it.`
            : `${problems.join("; ")}. Correct the environment variables, or unset them.`
      })
}

/**
 * Every command's flags, by path, for a flag called unknown (UnknownFlag.ts) or a command mistyped
 * (MistypedCommand.ts); loaded only then, as the parse loads the invoked command alone. None when the tree cannot be
 * loaded: the message is then left as it was.
 */
const flagsOfEveryCommand = (
  texts: ReadonlyArray<unknown>,
  load: () => Promise<ReadonlyMap<string, CommandFlags>>
): Effect.Effect<ReadonlyMap<string, CommandFlags>> =>
  texts.some((text) => typeof text === "string" && (mayExplainFlag(text) || mayBeMistypedCommand(text)))
    ? Effect.tryPromise(load).pipe(Effect.orElseSucceed(() => new Map()))
    : Effect.succeed(new Map())

/** `text` as explainUsageError says it, with an unknown flag explained and a mistyped command's meant suggested. */
const explainedFully = (
  argv: ReadonlyArray<string>,
  flags: CommandFlags,
  commands: ReadonlyMap<string, CommandFlags>,
  text: string
): string => {
  const alsoTaken = [...BUILT_IN_VALUES.keys()]
  const explained = withUnknownFlagsExplained(argv, commands, explainUsageError(argv, flags, text), alsoTaken)
  return withCommandSuggested(argv, [...commands.keys()], explained)
}

/**
 * Runs `effect` with a Console whose `error` rewords usage errors as above; `flags` is asked only then, and
 * `everyCommand` only for a flag called unknown. A variable's bad value is not printed there but fails as a
 * `ConfigurationError`, printed once like every other.
 */
export const withUsageErrorsExplained =
  (
    argv: ReadonlyArray<string>,
    flags: () => CommandFlags,
    everyCommand: () => Promise<ReadonlyMap<string, CommandFlags>> = async () => new Map()
  ) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | ConfigurationError, R> =>
    Console.consoleWith((console) =>
      Effect.withConsole(effect, {
        ...console,
        error: (...args: ReadonlyArray<unknown>) =>
          args.some((arg) => typeof arg === "string" && invalidVariables(arg).length > 0)
            ? Effect.void
            : Effect.flatMap(flagsOfEveryCommand(args, everyCommand), (commands) =>
                console.error(
                  ...args.map((arg) => (typeof arg === "string" ? explainedFully(argv, flags(), commands, arg) : arg))
                )
              )
      })
    ).pipe(Effect.mapError(asVariableError))

/**
 * Runs `command` (through `run`) with @effect/cli's usage errors kept instead of printed, the failure then a
 * `ConfigurationError` whose message is what @effect/cli would have printed: for JSON log lines, where a plain-text
 * line on stderr is one a log collector cannot parse, and the program's one failure line says it instead. Only what
 * is printed while the command line is parsed is kept; the command's handler gets the Console back, so what it prints
 * (`Deleted user ...`) is printed as usual.
 */
export const withUsageErrorsKept = <Name extends string, R, E, A, R2, E2>(
  command: Command.Command<Name, R, E, A>,
  run: (command: Command.Command<Name, R, E, A>) => Effect.Effect<void, E2, R2>
): Effect.Effect<void, E2 | ConfigurationError, R2> =>
  Console.consoleWith((console) => {
    const kept: Array<string> = []
    const handlerWithConsole = Command.transformHandler(command, (handler) => Effect.withConsole(handler, console))
    return Effect.withConsole(run(handlerWithConsole), {
      ...console,
      error: (...args: ReadonlyArray<unknown>) =>
        Effect.sync(() => {
          kept.push(args.map(String).join(" "))
        })
    }).pipe(
      Effect.mapError((error) => {
        const variableError = asVariableError(error)
        if (variableError instanceof ConfigurationError) return variableError
        // One line: each error @effect/cli gives a paragraph of its own ends with "; ", as one missing option after
        // another ("Expected to find option: '--email'; Expected to find option: '--given-name'") had run together.
        const text = withoutStyle(kept.join("\n"))
          .trim()
          .replace(/\s*\n\s*\n\s*/g, "; ")
          .replace(/\s*\n\s*/g, " ")
        if (!ValidationError.isValidationError(error) || text === "") return error
        const said = text.replace(/[.;:,]$/, "")
        // A hint that already names the help to read (`see panther-audit users --help`) is not sent to a second; a
        // question (`Did you mean '--email'?`) ends its sentence.
        return new ConfigurationError({
          message: said.endsWith(" --help")
            ? `${said}.`
            : said.endsWith("?")
              ? `${said} See --help for usage.`
              : `${said}; see --help for usage.`
        })
      })
    )
  })
