/**
 * The schedule's own settings read as `schedule` takes them: each variable for its own flag, a flag winning over its
 * variable, and the defaults without either.
 */
import { describe, expect, it } from "vitest"
import { scheduleOptions } from "../../src/Schedule/ScheduleOptions.js"
import { parseOptions } from "../support/parseOptions.js"

const parse = (args: ReadonlyArray<string>, env: Record<string, string>) => parseOptions(scheduleOptions, args, env)

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
