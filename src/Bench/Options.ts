/**
 * The benchmark's command line: its settings, read strictly, and where its results go.
 */
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

export const RESULTS = fileURLToPath(new URL("../../bench/RESULTS.md", import.meta.url))

export const USAGE = `npm run bench -- [options]

  --users N          users in the simulator for the throughput settings (default 20000; --quick 5000)
  --reps N           repetitions of floor and run per setting; medians are reported (default 5; --quick 3)
  --quick            fewer users and repetitions, no previous-report runs, one run per scale: under a minute
  --latencies LIST   milliseconds the simulator adds per page, one setting each (default 0,20); all the pages'
                     waits together must fit in the 10 minutes each measured run is given
  --scale LIST       user counts for peak memory, or "none" (default 10000,200000); the smallest and the
                     largest are compared
  --scale-reps N     runs per scale (default 3; --quick 1)
  --seed N           seed of the generated users (default 1)
  --max-load X       before each setting, wait (up to 10 minutes) until the 1-minute load average is at most X
  --out PATH         write the results there (default: bench/RESULTS.md, and only with the settings above left
                     at their defaults, so that a run measuring something else never replaces its figures)
  --no-write         write nothing, print only
  --help, -h         this list, whatever else is given

Exit codes: 0 measured; 1 a measurement failed; 2 refused before starting (a setting, a dist/ to rebuild, the
results file); 129, 130, 143 stopped by SIGHUP, SIGINT, SIGTERM.`

/** Digits only: `Number` would take "1e3", "0x10" and " 5 " as well. */
const WHOLE = /^\d{1,15}$/

/**
 * The most users `panther-audit simulate` generates (MAX_USERS in src/Simulator/SimulateCommand.ts; the benchmark
 * imports nothing of the program). Past it the simulator refuses to start, which a full run would find only at its
 * last scale, minutes in.
 */
const MAX_USERS = 5_000_000

/**
 * How long one measured process may take before it is killed (`Measure.ts`). A latency whose pages alone take longer
 * cannot be measured, and would be found out only at that deadline, ten minutes into the setting.
 */
export const MEASURED_DEADLINE_MS = 10 * 60 * 1000

/** Users per page, as `run` and the floor ask for them (Floor.ts). */
const USERS_PER_PAGE = 60

/** Whole numbers from `min` (to `max`) separated by commas, in increasing order, each once. */
const list = (text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): ReadonlyArray<number> => {
  if (text === "none") return []
  const parts = text.split(",").map((part) => part.trim())
  if (parts.some((part) => !WHOLE.test(part) || Number(part) < min || Number(part) > max)) {
    throw new Error(`${flag} takes whole numbers ${range(min, max)} separated by commas, or "none"; got "${text}"`)
  }
  return [...new Set(parts.map(Number))].sort((a, b) => a - b)
}

const whole = (text: string | undefined, fallback: number, flag: string, min = 1, max = Number.MAX_SAFE_INTEGER) => {
  if (text === undefined) return fallback
  const value = WHOLE.test(text) ? Number(text) : Number.NaN
  if (!(value >= min && value <= max)) throw new Error(`${flag} takes a whole number ${range(min, max)}; got "${text}"`)
  return value
}

const range = (min: number, max: number) =>
  max === Number.MAX_SAFE_INTEGER ? `from ${min}` : `from ${min} to ${max} (the simulator's limit)`

/**
 * What bench/RESULTS.md and the README describe: a run with other settings is a check of something else, and does
 * not replace those figures unless --out says where to write.
 */
/** The user count the throughput targets are set for (issue 8); Results.ts says so beside a verdict at another. */
export const STANDARD_USERS = 20_000

const STANDARD = { users: STANDARD_USERS, reps: 5, latencies: "0,20", scale: "10000,200000", scaleReps: 3, seed: 1 }

/** Node's own words for a flag it does not know, or one without its value, and where the flags are listed. */
const parseOrExplain: typeof parseArgs = (config) => {
  try {
    return parseArgs(config)
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)} (npm run bench -- --help lists the options)`
    )
  }
}

/** A setting given twice is refused, as the command's own flags are: Node would keep the last without a word. */
const refuseRepeated = (
  tokens: ReadonlyArray<{
    readonly kind: string
    readonly name?: string | undefined
    readonly value?: string | undefined
  }>
) => {
  const seen = new Map<string, string>()
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === undefined || token.value === undefined) continue
    const first = seen.get(token.name)
    if (first !== undefined) {
      throw new Error(`--${token.name} is given more than once ("${first}", then "${token.value}"): give it once`)
    }
    seen.set(token.name, token.value)
  }
}

/**
 * Where a relative --out is taken from: the folder `npm run bench` was typed in. npm runs the script from the
 * project's root and says where it was started in INIT_CWD; `--out quick.md` typed in bench/ went to the root.
 */
const startedIn = () => process.env.INIT_CWD ?? process.cwd()

const NUMERIC = new Set(["--users", "--reps", "--latencies", "--scale", "--scale-reps", "--seed", "--max-load"])

/**
 * `--users -5` as `--users=-5`: Node takes "-5" for a flag and asks whether a value was forgotten, suggesting a
 * syntax for values starting with a dash as if -5 could be right; joined, the value is refused for what it is.
 */
const joinNegativeValues = (args: ReadonlyArray<string>): Array<string> =>
  args.flatMap((arg, index) => {
    const next = args[index + 1]
    if (NUMERIC.has(arg) && next !== undefined && /^-[\d.]/.test(next)) return [`${arg}=${next}`]
    const previous = args[index - 1]
    return previous !== undefined && NUMERIC.has(previous) && /^-[\d.]/.test(arg) ? [] : [arg]
  })

/** Help is asked for: given anywhere, it is answered, whatever else is wrong with the line. */
export const wantsHelp = (args: ReadonlyArray<string>): boolean => args.includes("--help") || args.includes("-h")

export const readOptions = (args: ReadonlyArray<string>, cwd: string = startedIn()) => {
  const { values, tokens } = parseOrExplain({
    args: joinNegativeValues(args),
    options: {
      users: { type: "string" },
      reps: { type: "string" },
      quick: { type: "boolean", default: false },
      latencies: { type: "string" },
      scale: { type: "string" },
      "scale-reps": { type: "string" },
      seed: { type: "string" },
      "max-load": { type: "string" },
      out: { type: "string" },
      "no-write": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false }
    },
    strict: true,
    tokens: true
  })
  refuseRepeated(tokens ?? [])
  const quick = values.quick === true
  const maxLoadText = values["max-load"]
  const maxLoad =
    maxLoadText === undefined ? undefined : /^\d+(\.\d+)?$/.test(maxLoadText) ? Number(maxLoadText) : Number.NaN
  if (maxLoad !== undefined && !(maxLoad > 0))
    throw new Error(`--max-load takes a positive number; got "${maxLoadText}"`)
  if (values.out?.trim() === "") throw new Error("--out takes the path of a file to write; got an empty one")
  if (values.out !== undefined && values["no-write"] === true) {
    throw new Error("give --out (write the results there) or --no-write (print only), not both")
  }
  const settings = {
    users: whole(values.users, quick ? 5000 : STANDARD.users, "--users", 1, MAX_USERS),
    reps: whole(values.reps, quick ? 3 : STANDARD.reps, "--reps"),
    latencies: list(values.latencies ?? STANDARD.latencies, "--latencies", 0),
    scale: list(values.scale ?? STANDARD.scale, "--scale", 1, MAX_USERS),
    scaleReps: whole(values["scale-reps"], quick ? 1 : STANDARD.scaleReps, "--scale-reps"),
    seed: whole(values.seed, STANDARD.seed, "--seed", 0)
  }
  // Else it would print a table of targets all "not measured", and with --out write it over real figures.
  if (settings.latencies.length === 0 && settings.scale.length === 0) {
    throw new Error(
      'nothing to measure: --latencies and --scale are both "none"; leave one of them out, or give it values'
    )
  }
  const slowest = settings.latencies.at(-1) ?? 0
  // Every page of users and the roles request wait for the latency, one after another.
  const requests = Math.ceil(settings.users / USERS_PER_PAGE) + 1
  if (slowest * requests >= MEASURED_DEADLINE_MS) {
    throw new Error(
      `--latencies ${slowest} with ${settings.users} users: ${requests} requests at ${slowest} ms each take about ` +
        `${Math.round((slowest * requests) / 60_000)} minutes a run, past the ${MEASURED_DEADLINE_MS / 60_000} ` +
        "minutes a measured run is given; give a lower latency or fewer --users"
    )
  }
  const standard =
    !quick &&
    settings.users === STANDARD.users &&
    settings.reps === STANDARD.reps &&
    settings.latencies.join(",") === STANDARD.latencies &&
    settings.scale.join(",") === STANDARD.scale &&
    settings.scaleReps === STANDARD.scaleReps &&
    settings.seed === STANDARD.seed
  return {
    help: values.help === true,
    quick,
    ...settings,
    maxLoad,
    withPrevious: !quick,
    out:
      values["no-write"] === true
        ? undefined
        : values.out !== undefined
          ? resolve(cwd, values.out)
          : standard
            ? RESULTS
            : undefined,
    /** Why the results go nowhere though the run is a full one: said at the end, so that no one looks for them. */
    notWritten:
      values["no-write"] !== true && values.out === undefined && !standard && !quick
        ? "not written to bench/RESULTS.md: the settings differ from its standard ones (see --help); --out writes them elsewhere"
        : undefined
  }
}

export type Options = ReturnType<typeof readOptions>
