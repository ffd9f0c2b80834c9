/**
 * The benchmark's settings: read strictly, and bench/RESULTS.md written only by a run that measures what it
 * describes.
 */
import { describe, expect, it } from "vitest"
import { RESULTS, readOptions } from "../../src/Bench/Options.js"

describe("where the results go", () => {
  it("is bench/RESULTS.md with the standard settings, however they are spelled", () => {
    expect(readOptions([]).out).toBe(RESULTS)
    expect(readOptions(["--reps", "5", "--scale", "200000,10000,10000", "--max-load", "1.5"]).out).toBe(RESULTS)
    expect(readOptions([]).notWritten).toBeUndefined()
  })

  it.each([
    ["--users", "10000"],
    ["--reps", "3"],
    ["--latencies", "0"],
    ["--scale", "none"],
    ["--scale-reps", "1"],
    ["--seed", "2"]
  ])("is nowhere with %s %s, and the run says so", (flag, value) => {
    const options = readOptions([flag, value])
    expect(options.out).toBeUndefined()
    expect(options.notWritten).toContain("not written to bench/RESULTS.md")
  })

  it("is the file --out names, whatever the settings, and nowhere with --quick or --no-write", () => {
    expect(readOptions(["--users", "300", "--out", "/tmp/elsewhere.md"]).out).toBe("/tmp/elsewhere.md")
    // Taken from where npm run bench was typed, not from the project's root, where npm runs the script.
    expect(readOptions(["--out", "quick.md"], "/work/project/bench").out).toBe("/work/project/bench/quick.md")
    expect(readOptions(["--out", "../quick.md"], "/work/project/bench").out).toBe("/work/project/quick.md")
    for (const args of [["--quick"], ["--no-write"], ["--users", "300", "--no-write"]]) {
      const options = readOptions(args)
      expect(options.out).toBeUndefined()
      expect(options.notWritten).toBeUndefined()
    }
  })
})

describe("the settings", () => {
  it("takes the scales in increasing order, each once", () => {
    expect(readOptions(["--scale", "200000, 10000,50000,10000"]).scale).toEqual([10_000, 50_000, 200_000])
    expect(readOptions(["--latencies", "20,0"]).latencies).toEqual([0, 20])
  })

  it("takes a latency whose requests fit in a measured run's 10 minutes", () => {
    expect(readOptions(["--latencies", "1700"]).latencies).toEqual([1700])
    expect(readOptions(["--latencies", "2000", "--users", "1000"]).latencies).toEqual([2000])
  })

  it("gives --quick its smaller defaults and no previous-report runs", () => {
    expect(readOptions(["--quick"])).toMatchObject({ users: 5000, reps: 3, scaleReps: 1, withPrevious: false })
    expect(readOptions([])).toMatchObject({ users: 20000, reps: 5, scaleReps: 3, withPrevious: true })
  })

  it.each([
    [["--seed=-1"], '--seed takes a whole number from 0; got "-1"'],
    // Not Node's question whether a value was forgotten, with a syntax to give -5 as if it could do.
    [["--reps", "-1"], '--reps takes a whole number from 1; got "-1"'],
    [["--max-load", "-0.5", "--quick"], '--max-load takes a positive number; got "-0.5"'],
    [["--latencies", "-20,0"], '--latencies takes whole numbers from 0 separated by commas, or "none"; got "-20,0"'],
    [["--scale-reps", " 2"], '--scale-reps takes a whole number from 1; got " 2"'],
    [["--latencies", "0,,20"], '--latencies takes whole numbers from 0 separated by commas, or "none"; got "0,,20"'],
    [
      ["--scale", "0,300"],
      '--scale takes whole numbers from 1 to 5000000 (the simulator\'s limit) separated by commas, or "none"; got "0,300"'
    ],
    [["--max-load", "0x10"], '--max-load takes a positive number; got "0x10"'],
    [["--out", " "], "--out takes the path of a file to write; got an empty one"],
    [["--users", "99999999999999999"], "--users takes a whole number from 1 to 5000000 (the simulator's limit); got"],
    // The simulator would refuse them only once started, a full run's largest scale minutes in.
    [["--users", "5000001"], '--users takes a whole number from 1 to 5000000 (the simulator\'s limit); got "5000001"'],
    [["--scale", "10000,5000001"], "--scale takes whole numbers from 1 to 5000000 (the simulator's limit) separated"],
    [["--users"], "argument missing (npm run bench -- --help lists the options)"],
    // Node keeps the last of a repeated flag; the first may be what was meant.
    [["--users", "300", "--users=3000"], '--users is given more than once ("300", then "3000"): give it once'],
    [["--reps", "3", "--reps", "5"], "--reps is given more than once"],
    [["--out", "a.md", "--no-write"], "give --out (write the results there) or --no-write (print only), not both"],
    // A list of targets all not measured, which --out would write over real figures.
    [["--latencies", "none", "--scale", "none"], 'nothing to measure: --latencies and --scale are both "none"'],
    [["--latencies", "none", "--scale", "none", "--out", "a.md"], "nothing to measure"],
    // Each measured run is killed at 10 minutes: 335 requests at 2 s each would be found out only then.
    [
      ["--latencies", "0,2000"],
      "--latencies 2000 with 20000 users: 335 requests at 2000 ms each take about 11 minutes a run, past the 10 " +
        "minutes a measured run is given; give a lower latency or fewer --users"
    ],
    // Exactly the 10 minutes, with start-up still to come: killed at its deadline all the same.
    [
      ["--latencies", "30000", "--users", "1140"],
      "--latencies 30000 with 1140 users: 20 requests at 30000 ms each take about 10 minutes a run"
    ],
    [["--latencies", "600000", "--users", "1"], "--latencies 600000 with 1 users: 2 requests at 600000 ms each"]
  ])("refuses %j", (args, message) => {
    expect(() => readOptions(args)).toThrow(message)
  })
})
