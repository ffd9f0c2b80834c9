import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Logger } from "effect"
import { neverThrowing, resolveLogSettings } from "../../src/Cli/Logging.js"

describe("the program's logger", () => {
  it.effect("drops a line it cannot write instead of failing the run (stderr on a full disk throws at once)", () =>
    Effect.gen(function* () {
      let attempts = 0
      const failingWrite = Logger.make(() => {
        attempts++
        throw new Error("ENOSPC: no space left on device, write")
      })
      const result = yield* Effect.logWarning("a line").pipe(
        Effect.zipRight(Effect.succeed("went on")),
        Effect.provide(Logger.replace(Logger.defaultLogger, neverThrowing(failingWrite))),
        Effect.exit
      )
      expect(attempts).toBe(1)
      expect(result).toEqual(Effect.runSync(Effect.exit(Effect.succeed("went on"))))
    })
  )
})

describe("the logging settings", () => {
  const node = ["node", "bin.js"]
  const settings = (args: ReadonlyArray<string>, env: Record<string, string> = {}, terminal = false) =>
    Either.map(resolveLogSettings([...node, ...args], env, terminal), ({ format, level, argv }) => ({
      format,
      level: level._tag,
      argv: argv.slice(2)
    }))

  it("are JSON at info by default, pretty on a terminal", () => {
    expect(settings(["run"])).toEqual(Either.right({ format: "json", level: "Info", argv: ["run"] }))
    expect(settings(["run"], {}, true)).toEqual(Either.right({ format: "pretty", level: "Info", argv: ["run"] }))
  })

  it("take a flag over its variable, in any position and either form, and leave the rest to the command", () => {
    const env = { LOG_FORMAT: "pretty", LOG_LEVEL: "error" }
    expect(settings(["run", "--log-format", "json", "--report-dir", "r", "--log-level=debug"], env)).toEqual(
      Either.right({ format: "json", level: "Debug", argv: ["run", "--report-dir", "r"] })
    )
    expect(settings(["run"], env, false)).toEqual(Either.right({ format: "pretty", level: "Error", argv: ["run"] }))
  })

  it("read names in any case, with spaces around, and a blank variable as unset", () => {
    expect(settings(["run"], { LOG_FORMAT: " Pretty ", LOG_LEVEL: " WARNING " })).toEqual(
      Either.right({ format: "pretty", level: "Warning", argv: ["run"] })
    )
    // `warn`, as the log lines write the level, is taken for `warning`.
    expect(settings(["run", "--log-level", "warn"])).toEqual(
      Either.right({ format: "json", level: "Warning", argv: ["run"] })
    )
    expect(settings(["run"], { LOG_FORMAT: " ", LOG_LEVEL: "" })).toEqual(
      Either.right({ format: "json", level: "Info", argv: ["run"] })
    )
  })

  it("refuse a bad value naming where it came from, said in the format asked for when that one is good", () => {
    expect(settings(["run"], { LOG_FORMAT: "pretty", LOG_LEVEL: "loud" })).toEqual(
      Either.left({
        reason: 'LOG_LEVEL must be one of all, trace, debug, info, warning, error, fatal, none; got "loud"',
        format: "pretty"
      })
    )
    // The format asked for is the bad value: said in the default one.
    expect(settings(["run", "--log-format", "xml"], { LOG_FORMAT: "pretty" })).toEqual(
      Either.left({ reason: '--log-format must be json or pretty; got "xml"', format: "json" })
    )
    expect(settings(["run", "--log-level", "--report-dir", "r"], { LOG_FORMAT: "pretty" })).toEqual(
      Either.left({ reason: "--log-level needs a value", format: "pretty" })
    )
  })

  it("refuse a flag given twice, as every other flag given twice is, in the format first asked for", () => {
    expect(settings(["--log-format", "pretty", "run", "--log-format=json"], {})).toEqual(
      Either.left({ reason: "--log-format is given more than once: give it once", format: "pretty" })
    )
    expect(settings(["run", "--log-level=debug", "--log-level", "debug"], { LOG_FORMAT: "pretty" })).toEqual(
      Either.left({ reason: "--log-level is given more than once: give it once", format: "pretty" })
    )
  })

  it("say a variable is wrapped in quotes, as docker run --env-file keeps them, rather than no format or level", () => {
    const quoted = (name: string) =>
      `${name} is wrapped in quotes, which are read as part of its value (docker run --env-file and a compose ` +
      "file's list of variables keep them): remove them (it takes "
    const format = settings(["run"], { LOG_FORMAT: '"pretty"' })
    expect(Either.isLeft(format) && format.left.reason).toBe(`${quoted("LOG_FORMAT")}json or pretty)`)
    const level = settings(["run"], { LOG_FORMAT: "pretty", LOG_LEVEL: "'debug'" })
    expect(level).toEqual(
      Either.left({
        reason: `${quoted("LOG_LEVEL")}all, trace, debug, info, warning, error, fatal, none)`,
        format: "pretty"
      })
    )
    // A flag's value is the shell's to unquote: one with quotes left is no level, as any other.
    const flag = settings(["run", "--log-level", "'debug'"])
    expect(Either.isLeft(flag) && flag.left.reason).toBe(
      `--log-level must be one of all, trace, debug, info, warning, error, fatal, none; got "'debug'"`
    )
  })
})
