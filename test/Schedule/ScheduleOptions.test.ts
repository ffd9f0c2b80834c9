/**
 * The schedule's own settings read as `schedule` takes them: each variable for its own flag, a flag winning over its
 * variable, and the defaults without either.
 */
import { Command, type Options } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Effect } from "effect"
import { describe, expect, it } from "vitest"
import { scheduleOptions } from "../../src/Schedule/ScheduleOptions.js"

type ScheduleOptionValues = typeof scheduleOptions extends Options.Options<infer A> ? A : never

const parse = (args: ReadonlyArray<string>, env: Record<string, string>) => {
  let parsed: ScheduleOptionValues | undefined
  const command = Command.make("t", { schedule: scheduleOptions }, (input) =>
    Effect.sync(() => {
      parsed = input.schedule
    })
  )
  return Effect.runPromise(
    Command.run(command, { name: "t", version: "0" })(["node", "t", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.map(() => parsed)
    )
  )
}

describe("scheduleOptions", () => {
  it("runs at 02:00 UTC every day, on its ticks only, without flags or variables", async () => {
    expect(await parse([], {})).toEqual({ cron: "0 2 * * *", tz: "UTC", runNow: false })
  })

  it("reads AUDIT_SCHEDULE, AUDIT_TZ and AUDIT_RUN_NOW each for its own flag", async () => {
    expect(await parse([], { AUDIT_SCHEDULE: "30 3 * * 1", AUDIT_TZ: ":Europe/Berlin", AUDIT_RUN_NOW: "yes" })).toEqual(
      { cron: "30 3 * * 1", tz: ":Europe/Berlin", runNow: true }
    )
    expect(await parse([], { AUDIT_TZ: "Asia/Tokyo" })).toEqual({ cron: "0 2 * * *", tz: "Asia/Tokyo", runNow: false })
  })

  it("takes a flag over its variable", async () => {
    expect(
      await parse(["--cron", "@hourly", "--tz", "UTC"], { AUDIT_SCHEDULE: "30 3 * * 1", AUDIT_TZ: "Asia/Tokyo" })
    ).toEqual({ cron: "@hourly", tz: "UTC", runNow: false })
  })
})
