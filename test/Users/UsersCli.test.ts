/**
 * `panther-audit users ...` as a person or a script runs it: the built binary, spawned, against the simulator
 * with faults switched on. Checks exit codes, what goes to stdout and stderr, and that the token shows up nowhere.
 */
import { spawn } from "node:child_process"
import { closeSync, openSync } from "node:fs"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest"
import { endWithTest } from "../support/ChildProcesses.js"
import { BIN, type CliResult, runCli, runCliToFds, stderrText } from "../support/cli.js"
import { json, startScriptedServer, text } from "../support/scriptedServer.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import { hasScript, onTerminal } from "../support/terminal.js"
import { rawUser } from "../support/testClient.js"

const USERS = 1_050
/** The users and the faults every test's simulator starts with. */
const SIMULATED = { users: USERS, seed: 3, faults: { errorRate: 0.15, errorSeed: 11, rateLimit: 25 } }

let simulator: StartedSimulator

// dist/ is built by test/globalSetup.ts before any test file runs.
beforeAll(async () => {
  simulator = await startSimulator(SIMULATED)
})

afterAll(async () => {
  await simulator?.close()
})

/** Neither the simulator's tokens nor `given` (when it is long enough to be one) appear in what a command wrote. */
const expectNoToken = (result: CliResult, given = "") => {
  for (const token of [simulator.readToken, simulator.adminToken, ...(given.length >= 20 ? [given] : [])]) {
    expect(result.stdout).not.toContain(token)
    expect(result.stderr).not.toContain(token)
  }
}

/**
 * Runs `panther-audit` with the simulator's URL, the given token, and room for the injected faults. What every run
 * wrote is checked for tokens by the test that made it: checked once at the end, the outputs were those of the tests
 * run before, and a test run on its own checked only one.
 */
const panther = async (args: ReadonlyArray<string>, token: string, env: Record<string, string> = {}) => {
  const result = await runCli(args, {
    env: { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: token, PANTHER_MAX_RETRIES: "8", ...env }
  })
  expectNoToken(result, token)
  return result
}
const asReader = (...args: Array<string>) => panther(args, simulator.readToken)
const asAdmin = (...args: Array<string>) => panther(args, simulator.adminToken)
/** `asReader` and `asAdmin` against a simulator of a test's own. */
const against = (own: StartedSimulator) => ({
  asReader: (...args: Array<string>) => panther(args, own.readToken, { PANTHER_API_URL: own.baseUrl }),
  asAdmin: (...args: Array<string>) => panther(args, own.adminToken, { PANTHER_API_URL: own.baseUrl })
})

/** The command against a scripted server answering with `steps`; what it printed, and the methods it sent. */
/**
 * An update Panther answered with the user as it was (its GET, then its POST): failed with exit 3, nothing printed as
 * done, and `said` on stderr.
 */
const expectUpdateNotTaken = (
  result: { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly methods: unknown },
  said: string
) => {
  expect(result.code).toBe(3)
  expect(result.stdout).toBe("")
  expect(result.stderr).not.toContain("Updated user")
  expect(stderrText(result.stderr)).toContain(said)
  expect(result.methods).toEqual(["GET", "POST"])
}

const againstScripted = async (
  steps: Parameters<typeof startScriptedServer>[0],
  args: ReadonlyArray<string>,
  token = "scripted-token"
) => {
  const server = await startScriptedServer(steps)
  try {
    const result = await runCli(args, { env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: token } })
    return { ...result, methods: server.requests.map((request) => request.method), requests: server.requests }
  } finally {
    await server.close()
  }
}

const ndjson = (stdout: string): Array<{ id: string; email: string; familyName: string; enabled: boolean }> =>
  stdout
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line))

describe("panther-audit users", () => {
  it("list prints every user exactly once as ndjson when stdout is a pipe, through 429s and 5xx", async () => {
    // A simulator of its own: the shared one holds the users other tests create, in whatever order they ran.
    const own = await startSimulator(SIMULATED)
    try {
      const result = await against(own).asReader("users", "list", "--include-deactivated")
      expect(result.code).toBe(0)
      const users = ndjson(result.stdout)
      expect(users).toHaveLength(USERS)
      expect(new Set(users.map((user) => user.id)).size).toBe(USERS)
      // The faults were there and were retried, each retry announced on stderr.
      expect(stderrText(result.stderr)).toContain("retry")

      const enabledOnly = ndjson((await against(own).asReader("users", "list")).stdout)
      expect(enabledOnly).toHaveLength(users.filter((user) => user.enabled).length)
    } finally {
      await own.close()
    }
  }, 120_000)

  it("list filters by id and writes CSV with a header", async () => {
    const some = ndjson((await asReader("users", "list", "--contains", "a")).stdout).slice(0, 2)
    const [first, second] = some
    if (first === undefined || second === undefined) throw new Error("the simulator should have users with an a")
    const result = await asReader("users", "list", "--id", first.id, "--id", second.id, "--format", "csv")
    expect(result.code).toBe(0)
    const lines = result.stdout.trim().split("\n")
    expect(lines[0]).toBe("id,email,givenName,familyName,roleName,roleId,enabled,status,createdAt,lastLoggedInAt")
    expect(
      lines
        .slice(1)
        .map((line) => line.split(",")[0])
        .sort()
    ).toEqual([first.id, second.id].sort())
  }, 60_000)

  it("list --id takes ids separated by commas, as Panther's ids parameter reads them", async () => {
    // The client sends the ids comma-joined in `ids`, which Panther splits at commas: `--id a,b` asks for two users,
    // and both must be taken for asked, not refused as a filter Panther ignored.
    const [first, second] = ndjson((await asReader("users", "list", "--contains", "a")).stdout)
    if (first === undefined || second === undefined) throw new Error("the simulator should have users with an a")
    const result = await asReader("users", "list", "--id", `${first.id}, ${second.id}`)
    expect(result.code, result.stderr).toBe(0)
    expect(
      ndjson(result.stdout)
        .map((user) => user.id)
        .sort()
    ).toEqual([first.id, second.id].sort())
    // An empty id among them is a usage error, as an empty --id is: nothing is sent.
    for (const value of ["u1,,u2", ",", "u1,"]) {
      const refused = await againstScripted([json(200, { results: [rawUser("u1")] })], ["users", "list", "--id", value])
      expect(refused.code, value).toBe(2)
      expect(stderrText(refused.stderr), value).toContain("--id holds an empty id (a comma at an end, or two in a row)")
      expect(refused.requests, value).toHaveLength(0)
    }
    // The token pasted into --id by mistake, with a stray comma: refused without showing it.
    const token = "pat-7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e"
    const pasted = await againstScripted([json(200, { results: [] })], ["users", "list", "--id", `${token},`], token)
    expect(pasted.code).toBe(2)
    expect(pasted.stderr).toContain("--id holds an empty id")
    expect(pasted.stderr).not.toContain(token)
    expect(pasted.stderr).not.toContain(token.slice(0, 16))
  }, 60_000)

  it("list stops quietly when the reader of stdout goes away (`| head`)", async () => {
    const child = endWithTest(
      spawn(process.execPath, [BIN, "users", "list", "--include-deactivated"], {
        env: {
          PATH: process.env.PATH ?? "",
          PANTHER_API_URL: simulator.baseUrl,
          PANTHER_API_TOKEN: simulator.readToken
        }
      })
    )
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8")
    })
    child.stdout.once("data", () => child.stdout.destroy())
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    expect(stderr).not.toContain("EPIPE")
    expect(code).toBe(0)
  }, 60_000)

  it("list asks for no more pages once the reader of stdout has gone, and says nothing of ids it never reached", async () => {
    // One user a page, 200 pages, each answered after 30 ms: six seconds of listing left when `head -1` is done.
    const pages = 200
    const ids = Array.from({ length: pages }, (_, index) => `u${index}`)
    const server = await startScriptedServer((index) => (_request, response) => {
      setTimeout(() => {
        const page = Math.min(index, pages - 1)
        const next = page + 1 < pages ? { next: `c${page + 1}` } : {}
        json(200, { results: [rawUser(`u${page}`)], ...next })(_request, response)
      }, 30)
    })
    try {
      const child = endWithTest(
        spawn(process.execPath, [BIN, "users", "list", "--id", ids.join(",")], {
          env: { PATH: process.env.PATH ?? "", PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
        })
      )
      let stderr = ""
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
      })
      child.stdout.once("data", () => child.stdout.destroy())
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
      expect(code, stderr).toBe(0)
      // No note that the ids after the first page listed no user: they were never asked for.
      expect(stderr).toBe("")
      expect(server.requests.length).toBeLessThan(20)
    } finally {
      await server.close()
    }
  }, 60_000)

  it("get prints one user as JSON; an unknown id exits 3 with a 404 message", async () => {
    const [someone] = ndjson((await asReader("users", "list", "--contains", "e")).stdout)
    if (someone === undefined) throw new Error("no user to get")
    const found = await asReader("users", "get", someone.id)
    expect(found.code).toBe(0)
    expect(JSON.parse(found.stdout).email).toBe(someone.email)

    const missing = await asReader("users", "get", "no-such-user")
    expect(missing.code).toBe(3)
    expect(missing.stdout).toBe("")
    expect(stderrText(missing.stderr)).toContain("(404)")
  }, 60_000)

  it("create, update and delete work with the admin token", async () => {
    // A simulator of its own, failing set requests with a 503, which any request may meet and retry. The file's
    // random 500, 502 and 504 fall on whichever requests the tests before leave them, and on a create they rightly
    // turn "the email is taken" into "the user the lost answer made", which is not what this test looks at.
    const own = await startSimulator({
      users: 20,
      seed: 3,
      faults: { failRequests: [1, 3, 6, 10, 15, 21, 28], failStatus: 503 }
    })
    onTestFinished(() => own.close())
    const { asReader, asAdmin } = against(own)
    const created = await asAdmin(
      "users",
      "create",
      "--email",
      "pat.doe@example.com",
      "--given-name",
      "Pat",
      "--family-name",
      "Doe",
      "--role",
      "AnalystReadOnly"
    )
    expect(created.code).toBe(0)
    const user = JSON.parse(created.stdout)
    expect(user.role.name).toBe("AnalystReadOnly")
    expect(stderrText(created.stderr)).toContain("Created user pat.doe@example.com")

    // An onboarding script run again: without --if-absent Panther refuses the email, with it the user is shown.
    const patAgain = [
      "users",
      "create",
      "--email",
      "Pat.Doe@example.com",
      "--given-name",
      "Pat",
      "--family-name",
      "Doe"
    ]
    expect((await asAdmin(...patAgain, "--role", "AnalystReadOnly")).code).toBe(3)
    const existing = await asAdmin(...patAgain, "--role", "AnalystReadOnly", "--if-absent")
    expect(existing.code, existing.stderr).toBe(0)
    expect(JSON.parse(existing.stdout).id).toBe(user.id)
    expect(stderrText(existing.stderr)).toContain(
      `User pat.doe@example.com (${user.id}) already exists: not created (--if-absent). It has the names and role asked for.`
    )
    const otherRole = await asAdmin(...patAgain, "--role", "Admin", "--if-absent")
    expect(otherRole.code, otherRole.stderr).toBe(0)
    expect(stderrText(otherRole.stderr)).toContain("It is not as asked (names or role)")
    expect((await asReader("users", "list", "--email", "pat.doe@example.com")).stdout.trim().split("\n")).toHaveLength(
      1
    )

    // Only the family name changes; every other field is sent as it was.
    const updated = await asAdmin("users", "update", user.id, "--family-name", "Doe-Smith")
    expect(updated.code).toBe(0)
    const after = JSON.parse(updated.stdout)
    expect(after).toMatchObject({
      email: "pat.doe@example.com",
      givenName: "Pat",
      familyName: "Doe-Smith",
      role: { name: "AnalystReadOnly" }
    })

    const byRoleId = await asAdmin("users", "update", user.id, "--role-id", user.role.id, "--given-name", "Patricia")
    expect(byRoleId.code).toBe(0)
    expect(JSON.parse(byRoleId.stdout).givenName).toBe("Patricia")

    // Without a terminal there is no one to ask: refused, nothing called, the user still there.
    const unconfirmed = await asAdmin("users", "delete", user.id)
    expect(unconfirmed.code).toBe(2)
    expect(stderrText(unconfirmed.stderr)).toContain("--yes")
    expect((await asReader("users", "get", user.id)).code).toBe(0)

    const deleted = await asAdmin("users", "delete", user.id, "--yes")
    expect(deleted.code).toBe(0)
    expect((await asReader("users", "get", user.id)).code).toBe(3)

    // An offboarding script run again: the user is gone, which --if-exists takes for done.
    const again = await asAdmin("users", "delete", user.id, "--yes")
    expect(again.code).toBe(3)
    const ifExists = await asAdmin("users", "delete", user.id, "--yes", "--if-exists")
    expect(ifExists.code, ifExists.stderr).toBe(0)
    expect(stderrText(ifExists.stderr)).toContain(`No user ${user.id} in Panther: nothing to delete (--if-exists).`)
  }, 60_000)

  it("delete of the last Admin who signs in with a password, which Panther refuses, says what to do first", async () => {
    const own = await startSimulator({
      data: [
        {
          id: "last-admin",
          email: "last.admin@example.com",
          givenName: "Last",
          familyName: "Admin",
          role: { name: "Admin" },
          enabled: true,
          status: "CONFIRMED"
        }
      ]
    })
    onTestFinished(() => own.close())
    const refused = await against(own).asAdmin("users", "delete", "last-admin", "--yes")
    expect(refused.code).toBe(3)
    const said = stderrText(refused.stderr)
    expect(said).toContain("Panther said: cannot delete the last active password-based Admin.")
    expect(said).toContain("Nothing was deleted. A delete sends the id alone: if the id is right")
    expect(said).toContain("give another such user the Admin role first")
    // The delete held nothing to change.
    expect(said).not.toContain("Change what Panther named")
    expect((await against(own).asReader("users", "get", "last-admin")).code).toBe(0)
  })

  it("delete refuses --yes given a value, which would otherwise be taken for yes, and sends nothing", async () => {
    const refused = await againstScripted([json(200, rawUser("u1"))], ["users", "delete", "u1", "--yes=False"])
    expect(refused.code).toBe(2)
    expect(stderrText(refused.stderr)).toContain("--yes takes no value: give it as --yes")
    expect(refused.methods).toEqual([])
  })

  it("delete knows -y as --yes: it takes no value, and the id after it is an id", async () => {
    const refused = await againstScripted([json(200, rawUser("u1"))], ["users", "delete", "u1", "-y=False"])
    expect(refused.code).toBe(2)
    expect(stderrText(refused.stderr)).toContain("-y takes no value: give it as -y")
    expect(refused.methods).toEqual([])
    const missing = await againstScripted(
      [json(404, { message: "user not found" })],
      ["users", "delete", "-y", "nobody-here"]
    )
    expect(missing.code).toBe(3)
    expect(stderrText(missing.stderr)).toContain("GET /users/nobody-here (404)")
  })

  it("delete --if-exists does not take a 404 for gone while the list still has that user", async () => {
    const listed = await againstScripted(
      [json(404, { message: "user not found" }), json(200, { results: [rawUser("u1")] })],
      ["users", "delete", "u1", "--yes", "--if-exists"]
    )
    expect(listed.code).toBe(3)
    expect(stderrText(listed.stderr)).toContain("Panther found nothing at GET /users/u1 (404)")
    expect(listed.methods).toEqual(["GET", "GET"])
  })

  it("list prints a user whose name holds the token with it replaced, and a note saying to clear it", async () => {
    const token = "pat-list-note-6e1a93c07b"
    const page = { results: [rawUser("u1", { givenName: token }), rawUser("u2")] }
    for (const format of ["ndjson", "csv", "table"]) {
      const listed = await againstScripted([json(200, page)], ["users", "list", "--format", format], token)
      expect(listed.code, listed.stderr).toBe(0)
      expect(listed.stdout + listed.stderr).not.toContain(token)
      expect(listed.stdout).toContain("[redacted]")
      expect(stderrText(listed.stderr)).toContain("1 answer from Panther held the API token")
      expect(stderrText(listed.stderr)).toContain("clear it, and rotate the token")
    }
  })

  it("create and update refuse to write the token into a user, sending nothing", async () => {
    const token = "pat-field-guard-3b8d51e9a4"
    const created = await againstScripted(
      [json(200, rawUser("new"))],
      [
        "users",
        "create",
        "--email",
        "kim@example.com",
        "--given-name",
        token,
        "--family-name",
        "Lee",
        "--role",
        "Analyst"
      ],
      token
    )
    const updated = await againstScripted(
      [json(200, rawUser("u1")), json(200, rawUser("u1"))],
      ["users", "update", "u1", "--family-name", `Lee ${token.toUpperCase()}`, "--role-id", token],
      token
    )
    expect(created.code).toBe(2)
    expect(created.methods).toEqual([])
    expect(stderrText(created.stderr)).toContain("--given-name holds the API token: a user's fields are readable")
    expect(updated.code).toBe(2)
    expect(updated.methods).toEqual([])
    expect(stderrText(updated.stderr)).toContain("--family-name and --role-id hold the API token")
    const readdressed = await againstScripted(
      [json(200, rawUser("u1")), json(200, rawUser("u1"))],
      ["users", "update", "u1", "--email", `${token}@example.com`],
      token
    )
    expect(readdressed.code).toBe(2)
    expect(readdressed.methods).toEqual([])
    expect(stderrText(readdressed.stderr)).toContain("--email holds the API token")
    expect(readdressed.stderr + readdressed.stdout).not.toContain(token)
    expect(created.stderr + created.stdout + updated.stderr + updated.stdout).not.toMatch(new RegExp(token, "i"))
    // Names that are not the token go through.
    const fine = await againstScripted(
      [json(200, rawUser("u1")), json(200, rawUser("u1", { familyName: "Lee" }))],
      ["users", "update", "u1", "--family-name", "Lee"],
      token
    )
    expect(fine.code, fine.stderr).toBe(0)
  }, 60_000)

  it("create refuses the token in its email or its role as well, naming each flag, and sends nothing", async () => {
    const token = "pat-create-guard-71c4e0b2d8"
    const created = await againstScripted(
      [json(200, rawUser("new"))],
      [
        "users",
        "create",
        "--email",
        `${token}@example.com`,
        "--given-name",
        "Kim",
        "--family-name",
        "Lee",
        "--role",
        token
      ],
      token
    )
    expect(created.code).toBe(2)
    expect(created.methods).toEqual([])
    expect(stderrText(created.stderr)).toContain("--email and --role hold the API token")
    expect(created.stderr + created.stdout).not.toContain(token)
  })

  it("get notes a token read as [redacted]; update will not write [redacted] back in its place", async () => {
    const token = "pat-get-note-5c0e7a12f9"
    const holding = rawUser("u1", { givenName: token })
    const got = await againstScripted([json(200, holding)], ["users", "get", "u1"], token)
    expect(got.code, got.stderr).toBe(0)
    expect(got.stdout).toContain('"givenName": "[redacted]"')
    expect(stderrText(got.stderr)).toContain("1 answer from Panther held the API token")
    // Changing the role only would send the name back as "[redacted]": refused, naming the flag that sets it.
    const refused = await againstScripted([json(200, holding)], ["users", "update", "u1", "--role", "Admin"], token)
    expect(refused.code).toBe(2)
    expect(refused.methods).toEqual(["GET"])
    expect(stderrText(refused.stderr)).toContain("in what --given-name would set, read as [redacted]")
    expect(refused.stdout + refused.stderr).not.toContain(token)
    // Given the name it should hold, the update goes through and clears the token from Panther.
    const cleared = await againstScripted(
      [json(200, holding), json(200, rawUser("u1", { givenName: "Kim" }))],
      ["users", "update", "u1", "--given-name", "Kim"],
      token
    )
    expect(cleared.code, cleared.stderr).toBe(0)
    expect(cleared.methods).toEqual(["GET", "POST"])
    expect(JSON.parse(cleared.requests[1]?.body ?? "{}")).toMatchObject({ givenName: "Kim" })
    // A role id holding it, the role not given: the update would send the role back by an id of "[redacted]".
    const roleKept = await againstScripted(
      [json(200, rawUser("u1", { role: { id: token, name: "Analyst" } }))],
      ["users", "update", "u1", "--family-name", "Lee"],
      token
    )
    expect(roleKept.code, roleKept.stderr).toBe(2)
    expect(roleKept.methods).toEqual(["GET"])
    expect(stderrText(roleKept.stderr)).toContain("in what --role-id would set, read as [redacted]")
  })

  it("update replaces a role read as [redacted] by the one given; a name that reads [redacted] is a name", async () => {
    const token = "pat-role-note-2a7c91e4f3"
    // The role holding the token, by id or by name, is replaced by the one given: nothing is sent as [redacted].
    for (const [role, flags] of [
      [{ id: token, name: "Analyst" }, ["--role", "Admin"]],
      [{ name: token }, ["--role-id", "role-admin"]]
    ] as const) {
      const replaced = await againstScripted(
        [json(200, rawUser("u1", { role })), json(200, rawUser("u1", { role: { id: "role-admin", name: "Admin" } }))],
        ["users", "update", "u1", ...flags],
        token
      )
      expect(replaced.code, replaced.stderr).toBe(0)
      expect(replaced.methods).toEqual(["GET", "POST"])
      expect(replaced.requests[1]?.body).not.toContain("[redacted]")
    }
    // A name that reads "[redacted]" as Panther holds it, with no token in the answer, is a name like any other.
    const named = await againstScripted(
      [json(200, rawUser("u1", { givenName: "[redacted]" })), json(200, rawUser("u1", { givenName: "[redacted]" }))],
      ["users", "update", "u1", "--family-name", "Family-u1"],
      token
    )
    expect(named.code, named.stderr).toBe(0)
    expect(named.methods).toEqual(["GET", "POST"])
  }, 60_000)

  it("create notes a token Panther's answer held, in the user it made or the one --if-absent found", async () => {
    const token = "pat-create-note-8d2f40b6c1"
    const args = ["users", "create", "--email", "kim@acme.com", "--given-name", "Kim", "--family-name", "Lee"]
    // A status is no field a create sends: Panther's answer holding the token there is what it had stored.
    const made = await againstScripted(
      [json(200, rawUser("n1", { email: "kim@acme.com", givenName: "Kim", familyName: "Lee", status: token }))],
      [...args, "--role", "Analyst"],
      token
    )
    const found = await againstScripted(
      [json(200, { results: [rawUser("u1", { email: "kim@acme.com", givenName: token })] })],
      [...args, "--role", "Analyst", "--if-absent"],
      token
    )
    for (const [result, methods] of [
      [made, ["POST"]],
      [found, ["GET"]]
    ] as const) {
      expect(result.code, result.stderr).toBe(0)
      expect(result.methods).toEqual(methods)
      expect(result.stdout).toContain('"[redacted]"')
      expect(stderrText(result.stderr)).toContain("1 answer from Panther held the API token")
      expect(result.stdout + result.stderr).not.toContain(token)
    }
  })

  it("delete --if-exists does not take a wrong --api-url's 404 for a user already gone", async () => {
    const wrongUrl = await againstScripted(
      [json(404, { message: "no route" }), json(404, { message: "no route" })],
      ["users", "delete", "u1", "--yes", "--if-exists"]
    )
    expect(wrongUrl.code).toBe(3)
    expect(stderrText(wrongUrl.stderr)).toContain("Panther found nothing at GET /users (404)")
    expect(stderrText(wrongUrl.stderr)).toContain("Check that --api-url / PANTHER_API_URL is the API itself")
    expect(wrongUrl.methods).toEqual(["GET", "GET"])
    // Deleted by someone else between the lookup and the delete: gone, as asked.
    const raced = await againstScripted(
      [json(200, rawUser("u1")), json(404, { message: "user not found" }), json(200, { results: [] })],
      ["users", "delete", "u1", "--yes", "--if-exists"]
    )
    expect(raced.code, raced.stderr).toBe(0)
    expect(raced.methods).toEqual(["GET", "DELETE", "GET"])
  })

  it("get, update and delete given an email for the id say whose it is; delete --if-exists no longer says nothing is to delete", async () => {
    const created = await asAdmin(
      "users",
      "create",
      "--email",
      "leaver@example.com",
      "--given-name",
      "Lea",
      "--family-name",
      "Ver",
      "--role",
      "Analyst"
    )
    expect(created.code, created.stderr).toBe(0)
    const { id } = JSON.parse(created.stdout)
    // An offboarding script fed addresses, one in another case than Panther holds it.
    const refused = await asAdmin("users", "delete", "Leaver@example.com", "--yes", "--if-exists")
    expect(refused.code, refused.stderr).toBe(2)
    expect(stderrText(refused.stderr)).toContain(
      `Leaver@example.com is the email of a user (id ${id}), not a user id: nothing was changed. \`users delete\` ` +
        `takes the id: \`panther-audit users delete ${id}\`.`
    )
    expect(refused.stderr).not.toContain("nothing to delete")
    expect((await asReader("users", "get", id)).code).toBe(0)
    // Without --if-exists, and to get and update, the 404 is said to be the email, not an id to check.
    for (const args of [
      ["delete", "leaver@example.com", "--yes"],
      ["update", "leaver@example.com", "--family-name", "Gone"],
      ["get", "leaver@example.com"]
    ]) {
      const said = await asAdmin("users", ...args)
      expect(said.code, said.stderr).toBe(2)
      expect(stderrText(said.stderr)).toContain(
        `leaver@example.com is the email of a user (id ${id}), not a user id:` +
          `${args[0] === "get" ? "" : " nothing was changed."} \`users ${args[0]}\` takes the id: ` +
          `\`panther-audit users ${args[0]} ${id}\`.`
      )
    }
    expect(JSON.parse((await asReader("users", "get", id)).stdout).familyName).toBe("Ver")
    // An address no user holds is still nothing to delete.
    const absent = await asAdmin("users", "delete", "never-here@example.com", "--yes", "--if-exists")
    expect(absent.code, absent.stderr).toBe(0)
    expect(stderrText(absent.stderr)).toContain("No user never-here@example.com in Panther: nothing to delete")
  }, 60_000)

  it("get given what looks like an email reports the 404 when the search by that email fails too", async () => {
    const said = await againstScripted(
      [json(404, { message: "user not found" }), json(403, { message: "forbidden" })],
      ["users", "get", "kim@example.com"]
    )
    expect(said.code, said.stderr).toBe(3)
    expect(stderrText(said.stderr)).toContain(
      "Panther found nothing at GET /users/kim%40example.com (404). Panther said: user not found. Check the id"
    )
    expect(said.methods).toEqual(["GET", "GET"])
  })

  it("delete given an email two accounts hold names both, and offers neither id as the one to delete", async () => {
    // Two accounts made before Panther compared emails without case: which one was meant is for the admin to see.
    const said = await againstScripted(
      [
        json(404, { message: "user not found" }),
        json(200, {
          results: [rawUser("u1", { email: "KIM.LEE@acme.com" }), rawUser("u2", { email: "kim.lee@acme.com" })]
        })
      ],
      ["users", "delete", "kim.lee@acme.com", "--yes"]
    )
    expect(said.code, said.stderr).toBe(2)
    expect(stderrText(said.stderr)).toContain(
      "kim.lee@acme.com is the email of 2 users (id u1, u2), not a user id: nothing was changed. `users delete` " +
        "takes the id `users list --email` shows."
    )
    expect(said.methods).toEqual(["GET", "GET"])
  })

  it("get, update and delete given ids separated by commas refuse them as several users, sending nothing", async () => {
    // An offboarding list pasted whole: Panther's ids filter splits at commas, so `delete --if-exists` looked the two
    // up as two, and blamed Panther or a proxy for listing them; get and update sent the admin to check the id.
    for (const args of [
      ["delete", "u1,u2", "--yes", "--if-exists"],
      ["delete", "u1, u2", "--yes"],
      ["update", "u1,u2", "--family-name", "Gone"],
      ["get", "u1,u2"]
    ]) {
      const said = await againstScripted(
        [json(404, { message: "user not found" }), json(200, { results: [rawUser("u1"), rawUser("u2")] })],
        ["users", ...args]
      )
      expect(said.code, said.stderr).toBe(2)
      expect(stderrText(said.stderr)).toContain(
        "The user id holds a comma, which no Panther user id does: give one id, and run the command once for each user"
      )
      expect(said.stderr).not.toContain("ignored the filter")
      expect(said.methods).toEqual([])
    }
  })

  it("get, update, delete and list --id given the token for an id refuse it without sending it or quoting it", async () => {
    // Pasted from the wrong clipboard: sent, the token would sit in the request's address, in proxies' and Panther's
    // access logs, and in every message quoting the path.
    const token = "pat-0123456789abcdef0123456789"
    for (const [args, flag] of [
      [["get", token], "The user id"],
      [["update", token, "--family-name", "Gone"], "The user id"],
      [["delete", token, "--yes", "--if-exists"], "The user id"],
      [["list", "--id", `u1,${token}`], "--id"]
    ] as const) {
      const said = await againstScripted(
        [json(404, { message: "user not found" }), json(200, { results: [] })],
        ["users", ...args],
        token
      )
      expect(said.code, JSON.stringify(args)).toBe(2)
      expect(stderrText(said.stderr)).toContain(
        `${flag} holds the API token, which would be sent in the request's address`
      )
      expect(said.stdout + said.stderr).not.toContain(token)
      expect(said.methods).toEqual([])
    }
  }, 60_000)

  it("get, update, delete and list --id given ids on lines or separated by spaces refuse them, sending nothing", async () => {
    // `users delete "$(cat offboard.txt)" --if-exists` took the ids for one that no user has: "nothing to delete",
    // exit 0, and `users list --id` noted that none was listed, while every one of those accounts could sign in.
    const pasted = ["u1\nu2", "u1 u2", "u1\tu2", "u1\r\nu2"]
    for (const ids of pasted) {
      for (const args of [
        ["delete", ids, "--yes", "--if-exists"],
        ["update", ids, "--family-name", "Gone"],
        ["get", ids]
      ]) {
        const said = await againstScripted(
          [json(404, { message: "user not found" }), json(200, { results: [] })],
          ["users", ...args]
        )
        expect(said.code, JSON.stringify(args)).toBe(2)
        expect(stderrText(said.stderr)).toContain(
          "The user id holds a space or line break, which no Panther user id does: give one id, and run the " +
            "command once for each user"
        )
        expect(said.stderr).not.toContain("nothing to delete")
        expect(said.methods).toEqual([])
      }
      const listed = await againstScripted([json(200, { results: [] })], ["users", "list", "--id", ids])
      expect(listed.code, JSON.stringify(ids)).toBe(2)
      expect(stderrText(listed.stderr)).toContain(
        "--id holds an id with a space or line break inside, which no Panther user id has: separate ids with " +
          "commas, or repeat --id"
      )
      expect(listed.stderr).not.toContain("no user listed")
      expect(listed.methods).toEqual([])
    }
    // Sixteen commands, each its own process: about 7 s on a quiet machine, over 30 s on a busy one.
  }, 120_000)

  it("delete --if-exists asks the list for deactivated users too before it takes a 404 for gone", async () => {
    // A deactivated user is still there: the list that confirms the 404 must not leave it out.
    const gone = await againstScripted(
      [json(404, { message: "user not found" }), json(200, { results: [] })],
      ["users", "delete", "u1", "--yes", "--if-exists"]
    )
    expect(gone.code, gone.stderr).toBe(0)
    expect(gone.requests.map((request) => [request.method, request.path])).toEqual([
      ["GET", "/users/u1"],
      ["GET", "/users"]
    ])
    expect(gone.requests[1]?.query.get("ids")).toBe("u1")
    expect(gone.requests[1]?.query.get("include-deactivated")).toBe("true")
  })

  it("delete --if-exists refused the list that confirms a 404 says so, not to check filters its user never gave", async () => {
    const refused = await againstScripted(
      [json(404, { message: "user not found" }), json(400, { message: "invalid parameter" })],
      ["users", "delete", "u1", "--yes", "--if-exists"]
    )
    expect(refused.code).toBe(3)
    expect(refused.requests.map((request) => [request.method, request.path])).toEqual([
      ["GET", "/users/u1"],
      ["GET", "/users"]
    ])
    const said = stderrText(refused.stderr)
    expect(said).toContain("Panther rejected GET /users (400). Panther said: invalid parameter.")
    expect(said).toContain("the list by its id, which confirms it is gone, was refused: nothing was deleted")
    expect(said).toContain("Check the id")
    expect(said).not.toContain("Check the filters given")
    expect(said).not.toContain("nothing to delete")
  })

  // A terminal needs a pseudo-terminal: util-linux's `script` gives the command one, as a person's shell would.
  it.skipIf(!hasScript)(
    "delete asks on the terminal, not on stdout; no, Ctrl-C and yes do what they say",
    async () => {
      const created = await asAdmin(
        "users",
        "create",
        "--email",
        "ask.me@example.com",
        "--given-name",
        "Ask",
        "--family-name",
        "Me",
        "--role",
        "Analyst"
      )
      const { id } = JSON.parse(created.stdout)
      const scratch = await mkdtemp(join(tmpdir(), "panther-delete-"))
      try {
        const answer = async (key: string) => {
          const stdoutFile = join(scratch, "stdout.txt")
          const terminal = await onTerminal(
            `"${process.execPath}" "${BIN}" users delete ${id} > "${stdoutFile}"; echo "rc=$?"`,
            { PANTHER_API_URL: simulator.baseUrl, PANTHER_API_TOKEN: simulator.adminToken, PANTHER_MAX_RETRIES: "8" },
            { when: "(y/N)", keys: key }
          )
          return { terminal, stdout: await readFile(stdoutFile, "utf8") }
        }

        const no = await answer("n\r")
        expect(no.terminal).toContain("Delete Ask Me <ask.me@example.com>")
        expect(no.terminal).toContain("Nothing deleted.")
        expect(no.terminal).toContain("rc=0")
        expect(no.stdout).toBe("")

        const quit = await answer("\x03")
        expect(quit.terminal).toContain("Nothing deleted.")
        expect(quit.terminal).toContain("rc=130")
        expect(quit.terminal).not.toMatch(/panther-audit: \s*$/m)
        expect((await asReader("users", "get", id)).code).toBe(0)

        const yes = await answer("y\r")
        expect(yes.terminal).toContain("rc=0")
        expect(yes.stdout).toBe("")
        expect((await asReader("users", "get", id)).code).toBe(3)
      } finally {
        await rm(scratch, { recursive: true, force: true })
      }
    },
    60_000
  )

  it.skipIf(!hasScript)(
    "delete on a terminal answered with Enter alone deletes nothing: no is what a delete takes unsaid",
    async () => {
      const server = await startScriptedServer([json(200, rawUser("u1")), text(200, "")])
      try {
        const terminal = await onTerminal(
          `"${process.execPath}" "${BIN}" users delete u1; echo "rc=$?"`,
          { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" },
          // Typed once the question is asked, whichever answer it shows as the default.
          { when: "cannot be undone", keys: "\r" }
        )
        expect(terminal).toContain("Nothing deleted.")
        expect(terminal).toContain("rc=0")
        expect(server.requests.map((request) => request.method)).toEqual(["GET"])
      } finally {
        await server.close()
      }
    },
    30_000
  )

  it.skipIf(!hasScript)(
    "delete on a terminal answered with a word, not y or yes, deletes nothing: quit, abort and stop among them",
    async () => {
      // The question took the first key that started "y" or was "t" for an answer: "quit" deleted at its t, "maybe"
      // at its y, before the Enter that a person would think sends the word.
      for (const word of ["quit", "abort", "stop", "maybe", "exit"]) {
        const server = await startScriptedServer([json(200, rawUser("u1")), text(200, "")])
        try {
          const terminal = await onTerminal(
            `"${process.execPath}" "${BIN}" users delete u1; echo "rc=$?"`,
            { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" },
            { when: "cannot be undone", keys: `${word}\r` }
          )
          expect(terminal, word).toContain("Nothing deleted.")
          expect(terminal, word).toContain("rc=0")
          expect(
            server.requests.map((request) => request.method),
            word
          ).toEqual(["GET"])
        } finally {
          await server.close()
        }
      }
    },
    60_000
  )

  it.skipIf(!hasScript)(
    "delete on a terminal with stderr to a file refuses without --yes: the question would be seen by no one",
    async () => {
      const server = await startScriptedServer([json(200, rawUser("u1")), text(200, "")])
      const scratch = await mkdtemp(join(tmpdir(), "panther-delete-"))
      try {
        const stderrFile = join(scratch, "stderr.log")
        const terminal = await onTerminal(
          `"${process.execPath}" "${BIN}" users delete u1 2> "${stderrFile}"; echo "rc=$?"`,
          {
            PANTHER_API_URL: server.url,
            PANTHER_API_TOKEN: "scripted-token"
          }
        )
        expect(terminal).toContain("rc=2")
        const logged = await readFile(stderrFile, "utf8")
        expect(stderrText(logged)).toContain(
          "Not deleting user u1: stderr is not a terminal, so the question asking to confirm would not be seen."
        )
        // A log of JSON lines, without a prompt's escape sequences in it.
        expect(logged).not.toContain("\u001b")
        expect(server.requests).toHaveLength(0)
      } finally {
        await server.close()
        await rm(scratch, { recursive: true, force: true })
      }
    },
    30_000
  )

  it("create, update and delete fail clearly with the read token, naming the permission", async () => {
    const [someone] = ndjson((await asReader("users", "list", "--contains", "o")).stdout)
    if (someone === undefined) throw new Error("no user to change")
    const attempts = [
      await asReader(
        "users",
        "create",
        "--email",
        "x@example.com",
        "--given-name",
        "X",
        "--family-name",
        "Y",
        "--role",
        "Analyst"
      ),
      await asReader("users", "update", someone.id, "--family-name", "Nope"),
      await asReader("users", "delete", someone.id, "--yes")
    ]
    for (const result of attempts) {
      expect(result.code).toBe(3)
      expect(result.stdout).toBe("")
      expect(stderrText(result.stderr)).toContain('"Manage Users" (UserModify)')
    }
    expect(JSON.parse((await asReader("users", "get", someone.id)).stdout).familyName).toBe(someone.familyName)
  }, 60_000)

  it("send values without the space a CSV or a CRLF line leaves around them", async () => {
    // The create's answer is lost; the user is then looked for by the address sent, trimmed.
    const { lastLoggedInAt: _never, ...made } = rawUser("u1", {
      email: "sp2@example.com",
      givenName: "Kim",
      familyName: "Lee",
      status: "FORCE_CHANGE_PASSWORD"
    })
    const server = await startScriptedServer([json(502, { message: "bad gateway" }), json(200, { results: [made] })])
    try {
      const env = { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
      const args = ["users", "create", "--email", " sp2@example.com ", "--given-name", " Kim", "--family-name"]
      const result = await runCli([...args, "Lee\r", "--role", "Analyst"], { env })
      expect(result.code, result.stderr).toBe(0)
      expect(server.requests.map((request) => request.method)).toEqual(["POST", "GET"])
      expect(JSON.parse(server.requests[0]?.body ?? "")).toMatchObject({
        email: "sp2@example.com",
        givenName: "Kim",
        familyName: "Lee"
      })
      expect(server.requests[1]?.query.get("contains")).toBe("sp2@example.com")
    } finally {
      await server.close()
    }
    const got = await againstScripted([json(200, rawUser("u1"))], ["users", "get", "u1\r"])
    expect(got.code, got.stderr).toBe(0)
    expect(got.requests[0]?.path).toBe("/users/u1")
    const byEmail = await againstScripted(
      [json(200, { results: [rawUser("u1")] })],
      ["users", "list", "--email", "u1@example.com\r"]
    )
    expect(byEmail.code, byEmail.stderr).toBe(0)
    expect(byEmail.requests[0]?.query.get("email")).toBe("u1@example.com")
    const byId = await againstScripted([json(200, { results: [rawUser("u1")] })], ["users", "list", "--id", "u1 "])
    expect(byId.code, byId.stderr).toBe(0)
    expect(byId.requests[0]?.query.get("ids")).toBe("u1")
  })

  it("delete --yes of an id that does not exist is not found, even when the delete's answer would be lost", async () => {
    // The 502 is the one a DELETE would get: the id is looked up first, so the delete is never sent.
    const server = await startScriptedServer([
      json(404, { message: "user not found" }),
      json(502, { message: "bad gateway" }),
      json(404, { message: "user not found" })
    ])
    try {
      const result = await runCli(["users", "delete", "no-such-user-typo", "--yes"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
      })
      expect(result.code).toBe(3)
      expect(stderrText(result.stderr)).toContain("GET /users/no-such-user-typo (404)")
      expect(result.stderr).not.toContain("Deleted")
      expect(server.requests.map((request) => request.method)).toEqual(["GET"])
    } finally {
      await server.close()
    }
  })

  it("delete --yes whose answer was lost, its repeat refused with 403, says the user may be gone all the same", async () => {
    const { methods, code, stderr } = await againstScripted(
      [
        json(200, rawUser("u1")),
        // The delete reached the server, and the connection dropped before any answer.
        (_request, response) => {
          response.socket?.destroy()
        },
        json(403, { message: "not allowed" })
      ],
      ["users", "delete", "u1", "--yes"]
    )
    expect(methods).toEqual(["GET", "DELETE", "DELETE"])
    expect(code).toBe(3)
    expect(stderrText(stderr)).toContain("The API token is not allowed to DELETE /users/u1 (403)")
    expect(stderrText(stderr)).toContain(
      "The answer to an earlier attempt was lost, so the change may already have been made: check with " +
        "`panther-audit users get` or `users list` before trying again."
    )
    expect(stderr).not.toContain("Deleted")
  })

  it("delete --yes removes a user whose record the audit reports as invalid", async () => {
    const { email: _email, ...withoutEmail } = rawUser("u1")
    const server = await startScriptedServer([json(200, withoutEmail), text(200, "")])
    try {
      const result = await runCli(["users", "delete", "u1", "--yes"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
      })
      expect(result.code, result.stderr).toBe(0)
      expect(stderrText(result.stderr)).toContain("Deleted user u1.")
      expect(server.requests.map((request) => request.method)).toEqual(["GET", "DELETE"])
    } finally {
      await server.close()
    }
  })

  it("update or delete of a user deleted after its look-up says so, not to check an id that was right", async () => {
    for (const args of [
      ["users", "update", "u1", "--role", "Admin"],
      ["users", "delete", "u1", "--yes"]
    ]) {
      const result = await againstScripted([json(200, rawUser("u1")), json(404, { message: "user not found" })], args)
      expect(result.methods).toEqual(["GET", args[1] === "update" ? "POST" : "DELETE"])
      expect(result.code).toBe(3)
      const said = stderrText(result.stderr)
      expect(said).toContain("(404), though it had the user a moment before (GET /users/u1)")
      expect(said).toContain("The user was most likely deleted meanwhile")
      expect(said).toContain("Panther said: user not found.")
      expect(said).not.toContain("Check the id")
      expect(result.stderr).not.toMatch(/Updated|Deleted user/)
    }
  })

  it("delete --yes deletes nothing when the lookup's answer is not that user (a wrong --api-url)", async () => {
    for (const answer of [{}, rawUser("someone-else")]) {
      const server = await startScriptedServer([json(200, answer), text(200, "")])
      try {
        const result = await runCli(["users", "delete", "u1", "--yes"], {
          env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
        })
        expect(result.code).toBe(3)
        expect(stderrText(result.stderr)).toContain("not what the Users API describes")
        expect(server.requests.map((request) => request.method)).toEqual(["GET"])
      } finally {
        await server.close()
      }
    }
  })

  it("list stops, exit 3, when the server cycles through the same pages under fresh cursors", async () => {
    let served = 0
    const server = await startScriptedServer((_index) => {
      served++
      // Two pages of 60, the second an invalid record's repeat too: a repeated id is a repeat, valid or not.
      const page = Array.from({ length: 60 }, (_, index) => rawUser(`p${served % 2}-${index}`))
      return json(200, {
        results: served % 2 === 0 ? [...page.slice(1), { id: "p0-x" }] : page,
        next: `fresh-${served}`
      })
    })
    try {
      const result = await runCli(["users", "list", "--format", "ndjson"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
      })
      expect(result.code).toBe(3)
      expect(stderrText(result.stderr)).toContain(
        "records repeated users already seen (more than the 120 distinct users it sent)"
      )
      expect(result.stdout.trim().split("\n")).toHaveLength(119)
      // The invalid record is named once, not at every cycle.
      expect(result.stderr.match(/user p0-x/g)).toHaveLength(1)
      expect(served).toBeLessThan(30)
    } finally {
      await server.close()
    }
  })

  it("list shows no escape sequence from the server: not in the table, nor in a record's warning", async () => {
    const escaped = "\u001b]0;PWNED\u0007\u001b[2J"
    const server = await startScriptedServer([
      json(200, { results: [rawUser("u1", { givenName: `Ada${escaped}` }), { id: `u2${escaped}`, email: 5 }] })
    ])
    try {
      const result = await runCli(["users", "list", "--format", "table"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
      })
      expect(result.stdout).toContain("Ada\uFFFD]0;PWNED\uFFFD\uFFFD[2J")
      expect(stderrText(result.stderr)).toContain("user u2\uFFFD]0;PWNED")
      expect(result.stdout + result.stderr).not.toContain("\u001b")
    } finally {
      await server.close()
    }
  })

  it("list's table shows a placeholder login as never, as the audit judges it, and ndjson keeps it as sent", async () => {
    const results = [
      rawUser("zero", { lastLoggedInAt: "0001-01-01T00:00:00Z" }),
      rawUser("epoch", { lastLoggedInAt: "1970-01-01T00:00:00Z" }),
      rawUser("blank", { lastLoggedInAt: "  " }),
      rawUser("absent", { lastLoggedInAt: undefined }),
      rawUser("real", { lastLoggedInAt: "2025-03-01T10:00:00Z" })
    ]
    const table = await againstScripted([json(200, { results })], ["users", "list", "--format", "table"])
    expect(table.code).toBe(0)
    const lastLogin = (id: string) =>
      (table.stdout.split("\n").find((line) => line.startsWith(`${id} `)) ?? "").split(/ {2,}/).at(-1)
    expect(lastLogin("zero")).toBe("never (placeholder 0001-01-01T00:00:00Z)")
    expect(lastLogin("epoch")).toBe("never (placeholder 1970-01-01T00:00:00Z)")
    expect(lastLogin("blank")).toBe("never")
    expect(lastLogin("absent")).toBe("never")
    expect(lastLogin("real")).toBe("2025-03-01T10:00:00Z")

    const lines = await againstScripted([json(200, { results })], ["users", "list", "--format", "ndjson"])
    expect(ndjson(lines.stdout).map((user) => Reflect.get(user, "lastLoggedInAt"))).toEqual([
      "0001-01-01T00:00:00Z",
      "1970-01-01T00:00:00Z",
      "  ",
      undefined,
      "2025-03-01T10:00:00Z"
    ])
  })

  it("create says which user it made without passing the server's escape sequences to the terminal", async () => {
    const result = await againstScripted(
      [json(200, rawUser("new\u001b]0;PWNED\u0007", { email: "u1@example.com" }))],
      [
        "users",
        "create",
        "--email",
        "u1@example.com",
        "--given-name",
        "Given",
        "--family-name",
        "u1",
        "--role",
        "Analyst"
      ]
    )
    expect(stderrText(result.stderr)).toContain("Created user u1@example.com (new\uFFFD]0;PWNED\uFFFD)")
    expect(result.stderr).not.toContain("\u001b")
  })

  it("update and delete say which user they changed without passing an id's escape sequences to the terminal", async () => {
    // An id copied from a CSV written to a file, where cells are kept as Panther sent them.
    const id = "u1\u001b]0;PWNED\u0007\u009b2J"
    const shown = "u1\uFFFD]0;PWNED\uFFFD\uFFFD2J"
    const pretty = ["--log-format", "pretty"]
    const updated = await againstScripted(
      [json(200, rawUser(id)), json(200, rawUser(id, { role: { id: "role-admin", name: "Admin" } }))],
      ["users", "update", id, "--role", "Admin", ...pretty]
    )
    expect(updated.code, updated.stderr).toBe(0)
    expect(updated.stderr).toContain(`Updated user ${shown}.`)
    const deleted = await againstScripted(
      [json(200, rawUser(id)), text(200, "")],
      ["users", "delete", id, "--yes", ...pretty]
    )
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(deleted.stderr).toContain(`Deleted user ${shown}.`)
    const unconfirmed = await againstScripted([json(200, rawUser(id))], ["users", "delete", id, ...pretty])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stderr).toContain(`Not deleting user ${shown}: stdin is not a terminal`)
    for (const { stderr } of [updated, deleted, unconfirmed]) {
      for (const control of ["\u001b", "\u0007", "\u009b"]) expect(stderr).not.toContain(control)
    }
  })

  it("update refuses an answer that names no user id: the body would be whoever that is", async () => {
    const { id: _id, ...withoutId } = rawUser("u1")
    const result = await againstScripted([json(200, withoutId)], ["users", "update", "u1", "--role", "Analyst"])
    expect(result.code).toBe(3)
    expect(stderrText(result.stderr)).toContain("it names no user id")
    expect(result.methods).toEqual(["GET"])
  })

  it("get prints the user as Panther sent it, fields the API's schema does not name included", async () => {
    const sent = { ...rawUser("u1"), mfaEnabled: true, groups: ["soc"], status: null }
    const result = await againstScripted([json(200, sent)], ["users", "get", "u1"])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(sent)
  })

  it("update sends the email and role given, and keeps the others as they were, the role by its id", async () => {
    const current = rawUser("u1")
    const newEmail = await againstScripted(
      [json(200, current), json(200, rawUser("u1", { email: "kim.new@example.com" }))],
      ["users", "update", "u1", "--email", "kim.new@example.com"]
    )
    expect(newEmail.code, newEmail.stderr).toBe(0)
    expect(newEmail.methods).toEqual(["GET", "POST"])
    expect(JSON.parse(newEmail.requests[1]?.body ?? "{}")).toEqual({
      email: "kim.new@example.com",
      givenName: "Given",
      familyName: "Family-u1",
      role: { id: "role-analyst" }
    })
    const newRole = await againstScripted(
      [json(200, current), json(200, rawUser("u1", { role: { id: "role-admin", name: "Admin" } }))],
      ["users", "update", "u1", "--role", "Admin"]
    )
    expect(newRole.code, newRole.stderr).toBe(0)
    expect(JSON.parse(newRole.requests[1]?.body ?? "{}")).toMatchObject({
      email: "u1@example.com",
      role: { name: "Admin" }
    })
    // A role id sent empty names no role: the role is kept by its name, which Panther would refuse as "" otherwise.
    const blankId = await againstScripted(
      [
        json(200, rawUser("u1", { role: { id: "", name: "Analyst" } })),
        json(200, rawUser("u1", { familyName: "Lee", role: { id: "", name: "Analyst" } }))
      ],
      ["users", "update", "u1", "--family-name", "Lee"]
    )
    expect(blankId.code, blankId.stderr).toBe(0)
    expect(JSON.parse(blankId.requests[1]?.body ?? "{}").role).toEqual({ name: "Analyst" })
  }, 60_000)

  it("get shows a record the audit reports as invalid as Panther sent it, exits 3, and blames no --api-url", async () => {
    // The audit named it INVALID_RECORD; the admin looks at it to mend it.
    const broken = rawUser("u6", { familyName: null })
    const result = await againstScripted([json(200, broken)], ["users", "get", "u6"])
    expect(result.code).toBe(3)
    expect(JSON.parse(result.stdout)).toEqual(broken)
    expect(stderrText(result.stderr)).toContain(
      "user u6 (u6@example.com) does not match the Users API description (familyName: Expected string, actual " +
        "null); it is printed above as Panther sent it."
    )
    expect(stderrText(result.stderr)).toContain("`panther-audit users update u6`")
    expect(result.stderr).not.toContain("--api-url")
  })

  it("update and create answered with another role than sent fail, not print the role asked for as done", async () => {
    // An Admin to demote: Panther's answer still names Admin, so the demotion did not take.
    const admin = rawUser("u1", { role: { id: "role-admin", name: "Admin" } })
    const demoted = await againstScripted(
      [json(200, admin), json(200, admin)],
      ["users", "update", "u1", "--role", "Analyst"]
    )
    expectUpdateNotTaken(
      demoted,
      "it names the user, but with the role Admin, not Analyst as sent. The update may not have been made: check " +
        "the user with `users get u1` before sending it again."
    )

    const byId = await againstScripted(
      [json(200, admin), json(200, admin)],
      ["users", "update", "u1", "--role-id", "role-ro"]
    )
    expect(byId.code).toBe(3)
    expect(stderrText(byId.stderr)).toContain("with the role Admin, not role-ro as sent")

    const created = await againstScripted(
      [json(200, rawUser("n1", { email: "kim@acme.com", role: { id: "role-admin", name: "Admin" } }))],
      ["users", "create", "--email", "kim@acme.com", "--given-name", "Kim", "--family-name", "Lee", "--role", "Analyst"]
    )
    expect(created.code).toBe(3)
    expect(created.stderr).not.toContain("Created user")
    expect(stderrText(created.stderr)).toContain(
      "it names the user, but with the role Admin, not Analyst as sent. The user was created all the same: check " +
        "it with `users get n1`, and give it the role asked for with `users update n1`."
    )
    expect(created.methods).toEqual(["POST"])

    // A role sent by name and answered by id alone, or in another case, is no sign of anything.
    for (const role of [{ id: "role-analyst" }, { id: "role-analyst", name: "analyst" }]) {
      const answered = await againstScripted(
        [json(200, admin), json(200, rawUser("u1", { role }))],
        ["users", "update", "u1", "--role", "Analyst"]
      )
      expect(answered.code, answered.stderr).toBe(0)
    }
  })

  it("update answered with other names than sent fails, not say the user was updated", async () => {
    // The name change did not take (an SSO user whose names its identity provider keeps, say): Panther answers with
    // the user as it was.
    const before = rawUser("u1", { givenName: "Kim", familyName: "Lee" })
    const renamed = await againstScripted(
      [json(200, before), json(200, before)],
      ["users", "update", "u1", "--given-name", "Kimberly"]
    )
    expectUpdateNotTaken(
      renamed,
      'it names the user, but with the first name "Kim", not "Kimberly" as sent. The update may not have been made: ' +
        "check the user with `users get u1` before sending it again."
    )
    const family = await againstScripted(
      [json(200, before), json(200, { ...before, givenName: "Kimberly" })],
      ["users", "update", "u1", "--given-name", "Kimberly", "--family-name", "Park"]
    )
    expect(family.code).toBe(3)
    expect(stderrText(family.stderr)).toContain('with the last name "Lee", not "Park" as sent')
    // Names as Panther stores them (trimmed, composed) are the names sent.
    const composed = await againstScripted(
      [json(200, before), json(200, { ...before, givenName: "Zo\u00eb" })],
      ["users", "update", "u1", "--given-name", "Zoe\u0308"]
    )
    expect(composed.code, composed.stderr).toBe(0)
    expect(stderrText(composed.stderr)).toContain("Updated user u1.")
  })

  it("get escapes a C1 control and a direction override in the JSON it prints, which reads back the same", async () => {
    // U+009B is a terminal's CSI; U+202E shows the rest of a name backwards.
    const sent = rawUser("u1", { givenName: "Eve\u009b2J", familyName: "\u202enimdA" })
    const result = await againstScripted([json(200, sent)], ["users", "get", "u1"])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).not.toMatch(/[\u009b\u202e]/)
    expect(result.stdout).toContain("Eve\\u009b2J")
    expect(JSON.parse(result.stdout)).toEqual(sent)
  })

  it("update of a user with no role asks for one (exit 2) and sends nothing", async () => {
    const result = await againstScripted(
      [json(200, rawUser("u5", { role: {} }))],
      ["users", "update", "u5", "--given-name", "Nora"]
    )
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain("user u5 has no role in Panther (neither id nor name)")
    expect(stderrText(result.stderr)).toContain("--role or --role-id")
    expect(result.stderr).not.toContain("--api-url")
    expect(result.methods).toEqual(["GET"])
  })

  it("update mends a record that does not match the API description, asking for what cannot be read", async () => {
    // A family name sent as null: the audit's INVALID_RECORD, which an update is how to mend.
    const broken = rawUser("u6", { familyName: null })
    const asked = await againstScripted([json(200, broken)], ["users", "update", "u6", "--role", "Admin"])
    expect(asked.code).toBe(2)
    expect(stderrText(asked.stderr)).toContain("give --family-name with the value it should hold")
    expect(asked.stderr).not.toContain("--api-url")
    expect(asked.methods).toEqual(["GET"])
    const bothNames = await againstScripted(
      [json(200, rawUser("u6", { givenName: null, familyName: null }))],
      ["users", "update", "u6", "--role", "Admin"]
    )
    expect(bothNames.code).toBe(2)
    expect(stderrText(bothNames.stderr)).toContain("give --given-name, --family-name with the values it should hold")
    expect(bothNames.methods).toEqual(["GET"])

    const mended = await againstScripted(
      [json(200, broken), json(200, rawUser("u6", { familyName: "Lee" }))],
      ["users", "update", "u6", "--family-name", "Lee"]
    )
    expect(mended.code, mended.stderr).toBe(0)
    expect(mended.methods).toEqual(["GET", "POST"])
    expect(JSON.parse(mended.requests[1]?.body ?? "{}")).toEqual({
      email: "u6@example.com",
      givenName: "Given",
      familyName: "Lee",
      role: { id: "role-analyst" }
    })
    expect(JSON.parse(mended.stdout)).toMatchObject({ id: "u6", familyName: "Lee" })
  }, 60_000)

  it("update of a user whose record fails in a field no update sends says it was most likely made, checked as sent", async () => {
    // A createdAt that is no text: the audit's INVALID_RECORD, which only the console mends. The update goes through;
    // it was said to be perhaps a wrong --api-url's answer, though the look-up had the user from that very address.
    const broken = rawUser("u6", { createdAt: 5 })
    const made = await againstScripted(
      [json(200, broken), json(200, { ...broken, familyName: "Lee" })],
      ["users", "update", "u6", "--family-name", "Lee"]
    )
    expect(made.code, made.stderr).toBe(3)
    expect(made.methods).toEqual(["GET", "POST"])
    expect(stderrText(made.stderr)).toContain(
      "it names the user, updated as sent, but does not match the API description (createdAt: Expected string or " +
        "null, actual 5). The update was most likely made: check with `users get u6` before sending it again. A " +
        "field at fault there too, which no update sends, is mended in the Panther console."
    )
    expect(made.stderr).not.toContain("--api-url")
    expect(made.stderr).not.toContain("Updated user")
    // Its role is read as sent: a demotion answered with the user still an Admin did not take.
    const admin = { ...broken, role: { id: "role-admin", name: "Admin" } }
    const notTaken = await againstScripted(
      [json(200, admin), json(200, admin)],
      ["users", "update", "u6", "--role-id", "role-analyst"]
    )
    expect(notTaken.code, notTaken.stderr).toBe(3)
    expect(stderrText(notTaken.stderr)).toContain(
      "it names the user, but with the role Admin, not role-analyst as sent. The update may not have been made"
    )
    // A role answered unreadably (null, a name that is no text) is no sign that the one sent took: the role is a field
    // every update sends, and a demotion that did not take was told as "updated as sent".
    for (const [role, flags] of [
      [null, ["--role", "AnalystReadOnly"]],
      [{ id: "role-admin", name: 7 }, ["--role", "AnalystReadOnly"]],
      [null, ["--role-id", "role-analyst"]]
    ] as const) {
      const unreadable = await againstScripted(
        [json(200, admin), json(200, { ...admin, role })],
        ["users", "update", "u6", ...flags]
      )
      expect(unreadable.code, unreadable.stderr).toBe(3)
      expect(stderrText(unreadable.stderr)).toContain("it names the user, but its role cannot be read (role")
      expect(stderrText(unreadable.stderr)).toContain(
        "so whether the role sent took cannot be told. The update may not have been made: check the user's role " +
          "with `users get u6` or in the Panther console before sending it again."
      )
      expect(unreadable.stderr).not.toContain("updated as sent")
      expect(unreadable.stderr).not.toContain("most likely made")
    }
    // Another user's record, valid or not, is still no answer about this one.
    const other = await againstScripted(
      [json(200, broken), json(200, rawUser("u7", { createdAt: 5 }))],
      ["users", "update", "u6", "--family-name", "Lee"]
    )
    expect(other.code, other.stderr).toBe(3)
    expect(stderrText(other.stderr)).toContain("createdAt: Expected string or null, actual 5. If --api-url is the API")
  })

  it("get and update refuse an answer that is another user, and update sends nothing", async () => {
    // A caching proxy that answers every path with the one user it saw first.
    for (const args of [
      ["users", "get", "user-alice"],
      ["users", "update", "user-alice", "--role", "Analyst"]
    ]) {
      const result = await againstScripted([json(200, rawUser("user-bob")), json(200, rawUser("user-bob"))], args)
      expect(result.code, args.join(" ")).toBe(3)
      expect(stderrText(result.stderr)).toContain("it is another user (user-bob)")
      expect(result.methods).toEqual(["GET"])
    }
  })

  it("delete names another user's id in its refusal, but not when that id is the token echoed", async () => {
    const token = "scripted-token-4b1d9e"
    const result = await againstScripted([json(200, rawUser(token))], ["users", "delete", "u1", "--yes"], token)
    expect(result.code).toBe(3)
    expect(stderrText(result.stderr)).toContain("it is another user ([redacted])")
    expect(result.stderr + result.stdout).not.toContain(token)
  })

  it("a list that cannot be written to stdout (a full disk) exits 4 and says so", async () => {
    // Its last write fails after the command has ended: the exit code waits for that failure to be known.
    const server = await startScriptedServer([json(200, { results: [rawUser("u1"), rawUser("u2")] })])
    const full = openSync("/dev/full", "w")
    try {
      const { code, stderr } = await runCliToFds(
        ["users", "list"],
        { stdout: full },
        {
          env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
        }
      )
      expect(code).toBe(4)
      expect(stderr).toContain(
        "could not write to stdout (ENOSPC): what it shows is incomplete, but the command itself succeeded; only its " +
          "output was lost."
      )
      // The last line says the exit code, as a failure's last line does, for a collector alerting on it.
      expect(JSON.parse(stderr.trim().split("\n").at(-1) ?? "").annotations).toEqual({
        error: "StdoutWriteFailed",
        exitCode: 4
      })
    } finally {
      closeSync(full)
      await server.close()
    }
  })

  it("a list that fails for a record it left out and cannot write stdout ends with the line of its exit code", async () => {
    const server = await startScriptedServer([json(200, { results: [rawUser("u1"), rawUser("u2", { email: null })] })])
    const full = openSync("/dev/full", "w")
    try {
      const { code, stderr } = await runCliToFds(
        ["users", "list"],
        { stdout: full },
        { env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" } }
      )
      expect(code).toBe(3)
      const last = JSON.parse(stderr.trim().split("\n").at(-1) ?? "")
      expect(last.message).toContain("could not write to stdout (ENOSPC): what it shows is incomplete.")
      expect(last.message).not.toContain("succeeded")
      expect(last.annotations).toEqual({ exitCode: 3 })
    } finally {
      closeSync(full)
      await server.close()
    }
  })

  it("a failure keeps its exit code when stderr cannot be written either", async () => {
    // A cron job logging to a full disk: the message is lost, the exit code must not be.
    const server = await startScriptedServer([json(404, { message: "user not found" })])
    const full = openSync("/dev/full", "w")
    try {
      const { code } = await runCliToFds(
        ["users", "get", "nope"],
        { stdout: full, stderr: full },
        {
          env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
        }
      )
      expect(code).toBe(3)
    } finally {
      closeSync(full)
      await server.close()
    }
  })

  it("usage and configuration problems exit 2 before anything is sent", async () => {
    const noToken = await runCli(["users", "list"], { env: { PANTHER_API_URL: simulator.baseUrl } })
    expect(noToken.code).toBe(2)
    expect(stderrText(noToken.stderr)).toContain("No Panther API token")

    const plainHttp = await panther(["users", "list", "--api-url", "http://panther.example.com"], simulator.readToken)
    expect(plainHttp.code).toBe(2)
    expect(stderrText(plainHttp.stderr)).toContain("--allow-insecure-http")

    const nothingToChange = await asAdmin("users", "update", "u1")
    expect(nothingToChange.code).toBe(2)
    expect(stderrText(nothingToChange.stderr)).toContain("Nothing to change")

    const noRole = await asAdmin("users", "create", "--email", "a@b.c", "--given-name", "A", "--family-name", "B")
    expect(noRole.code).toBe(2)
    expect(stderrText(noRole.stderr)).toContain("needs a role")
  }, 60_000)

  it("create and update given both --role and --role-id refuse them, sending nothing", async () => {
    // The API takes one of the two: sent, one would be dropped without a word, and the user given a role the admin
    // may not have meant (a script's --role-id of a read-only role, and a --role Admin left in from a template).
    for (const args of [
      ["create", "--email", "kim@acme.com", "--given-name", "Kim", "--family-name", "Lee"],
      ["update", "u1"]
    ]) {
      const said = await againstScripted(
        [json(200, rawUser("u1")), json(200, rawUser("u1"))],
        ["users", ...args, "--role", "Admin", "--role-id", "role-analyst"]
      )
      expect(said.code, args[0]).toBe(2)
      expect(stderrText(said.stderr)).toContain("Give the role by --role or by --role-id, not both.")
      expect(said.methods).toEqual([])
    }
  }, 60_000)

  it("an empty filter or user id, or an id that is a path step, is a usage error, not a request", async () => {
    const server = await startScriptedServer([json(200, { results: [rawUser("u1")] })])
    try {
      const run = (...args: Array<string>) =>
        runCli(args, { env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" } })
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["users", "list", "--id", ""], "--id is empty"],
        [["users", "list", "--id"], "--id is empty"],
        [["users", "list", "--id", "u1", "--id", " "], "--id is empty"],
        [["users", "list", "--id", "--include-deactivated"], 'was given "--include-deactivated", which is a flag'],
        [["users", "list", "--email", ""], "--email is empty"],
        [["users", "list", "--status", " "], "--status is empty"],
        [["users", "list", "--contains", ""], "--contains is empty"],
        // Required: leaving it out is no way out ("Missing argument <id>"), so it is not offered.
        [["users", "get", ""], "The user id is empty, and needs a value: the id `users list` shows; see --help"],
        [["users", "update", "", "--given-name", "X"], "The user id is empty, and needs a value"],
        [["users", "delete", "", "--yes"], "The user id is empty, and needs a value"],
        // Steps in a path, which a proxy normalizing the URL would take: DELETE /users/.. is DELETE /.
        [["users", "delete", "..", "--yes"], 'The user id ".." is a step in a path, not an id'],
        [["users", "get", " . "], 'The user id "." is a step in a path, not an id'],
        [["users", "update", ".", "--given-name", "X"], 'The user id "." is a step in a path'],
        [["users", "update", "u1", "--given-name", ""], "--given-name is empty"],
        [["users", "update", "u1", "--given-name", "X", "--role", ""], "--role is empty"],
        [["users", "update", "u1", "--role-id", " "], "--role-id is empty"],
        [
          ["users", "create", "--email", "", "--given-name", "A", "--family-name", "B", "--role", "Analyst"],
          "--email is empty"
        ],
        [
          ["users", "create", "--email", "a@b.c", "--given-name", "A", "--family-name", " ", "--role", "Analyst"],
          "--family-name is empty"
        ]
      ]
      for (const [args, message] of cases) {
        const result = await run(...args)
        expect(result.code, args.join(" ")).toBe(2)
        expect(stderrText(result.stderr), args.join(" ")).toContain(message)
      }
      expect(server.requests).toHaveLength(0)
      // The same flags with values do ask.
      expect((await run("users", "list", "--id", "u1")).code).toBe(0)
      expect(server.requests).toHaveLength(1)
    } finally {
      await server.close()
    }
  }, 60_000)

  it("a flag written in another case is refused (exit 2), not taken for one not given: a list without its filter", async () => {
    // @effect/cli matched flags in any case, then dropped the value: `--Status FORCE_CHANGE_PASSWORD` listed every
    // user for a script to act on, and an update's `--Role` left an Admin an Admin while it said the user was updated.
    for (const args of [
      ["list", "--Status", "FORCE_CHANGE_PASSWORD"],
      ["list", "--ID", "u1"],
      ["list", "--EMAIL", "u1@example.com"],
      ["update", "u1", "--given-name", "Kim", "--Role", "AnalystReadOnly"],
      ["delete", "u1", "--yes", "--If-Exists"]
    ]) {
      const said = await againstScripted(
        [json(200, { results: [rawUser("u1"), rawUser("u2")] }), json(200, rawUser("u1"))],
        ["users", ...args]
      )
      const flag = args.find((word) => /^--.*[A-Z]/.test(word))
      expect(said.code, said.stderr).toBe(2)
      expect(stderrText(said.stderr)).toContain(`Received unknown argument: '${flag}'`)
      expect(said.stdout).toBe("")
      expect(said.methods).toEqual([])
    }
  })

  it("an empty value says the flag needs one where it is required, and offers leaving it out only elsewhere", async () => {
    const server = await startScriptedServer([])
    try {
      const run = (...args: Array<string>) =>
        runCli(args, { env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" } })
      const fields = (email: string, givenName: string, familyName: string) =>
        ["--email", email, "--given-name", givenName, "--family-name", familyName] as const
      const create = ["users", "create"] as const
      // A new user needs every field and a role: leaving one out is no way out ("Expected to find option"). The
      // failure's line ends "; see --help for usage." after the message, its own full stop left out.
      const required: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [
          [...create, ...fields("", "Kim", "Lee"), "--role", "Analyst"],
          "--email is empty, and needs a value: the new user's email address"
        ],
        [
          [...create, "--email=", "--given-name", "Kim", "--family-name", "Lee", "--role", "Analyst"],
          "--email is empty, and needs a value: the new user's email address"
        ],
        [
          [...create, ...fields("kim@acme.com", " ", "Lee"), "--role", "Analyst"],
          "--given-name is empty, and needs a value: the new user's first name"
        ],
        [
          [...create, "--email", "kim@acme.com", "--given-name", "Kim", "--family-name=", "--role", "Analyst"],
          "--family-name is empty, and needs a value: the new user's last name"
        ],
        [
          [...create, ...fields("kim@acme.com", "Kim", "Lee"), "--role", ""],
          "--role is empty, and needs a value: a role's name, e.g. Admin, Analyst or AnalystReadOnly, or give " +
            "--role-id instead"
        ],
        [
          [...create, ...fields("kim@acme.com", "Kim", "Lee"), "--role-id="],
          "--role-id is empty, and needs a value: a role's id, or give --role instead"
        ]
      ]
      for (const [args, message] of required) {
        const result = await run(...args)
        expect(result.code, args.join(" ")).toBe(2)
        expect(stderrText(result.stderr), args.join(" ")).toContain(message)
        expect(stderrText(result.stderr), args.join(" ")).not.toContain("leave it out")
      }
      // An update's field left out keeps its value; a filter left out filters nothing.
      const optional: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [
          ["users", "update", "u1", "--email", ""],
          "--email is empty: give the email address to change to, or leave it out to keep the current one"
        ],
        [
          ["users", "update", "u1", "--family-name="],
          "--family-name is empty: give the last name to change to, or leave it out to keep the current one"
        ],
        [["users", "update", "u1", "--role-id", " "], "--role-id is empty: give the id of the role to change to, or"],
        [["users", "list", "--status", ""], "--status is empty: give a Cognito status, e.g. CONFIRMED, or leave it out"]
      ]
      for (const [args, message] of optional) {
        const result = await run(...args)
        expect(result.code, args.join(" ")).toBe(2)
        expect(stderrText(result.stderr), args.join(" ")).toContain(message)
      }
      expect(server.requests).toHaveLength(0)
    } finally {
      await server.close()
    }
  }, 60_000)

  it("a wrong token exits 3 and says to check it", async () => {
    const result = await panther(["users", "list"], "not-a-real-token")
    expect(result.code).toBe(3)
    expect(stderrText(result.stderr)).toContain("refused the API token (401)")
  }, 60_000)

  it("list asks for many ids in parts, each short enough for any server in between", async () => {
    const ids = Array.from({ length: 250 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`)
    const parts = [ids.slice(0, 100), ids.slice(100, 200), ids.slice(200)]
    const listed = await againstScripted(
      parts.map((part) => json(200, { results: part.map((id) => rawUser(id)) })),
      ["users", "list", ...ids.flatMap((id) => ["--id", id])]
    )
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.requests.map((request) => request.query.get("ids"))).toEqual(parts.map((part) => part.join(",")))
    expect(ndjson(listed.stdout).map((user) => user.id)).toEqual(ids)

    // Each id given twice is asked for once: nothing comes back twice to be blamed on Panther.
    const twice = await againstScripted(
      [json(200, { results: parts[0]?.map((id) => rawUser(id)) })],
      ["users", "list", ...[...(parts[0] ?? []), ...(parts[0] ?? [])].flatMap((id) => ["--id", id])]
    )
    expect(twice.code, twice.stderr).toBe(0)
    expect(twice.requests.map((request) => request.query.get("ids"))).toEqual([parts[0]?.join(",")])
    expect(twice.stderr).not.toContain("repeated")
  }, 60_000)

  it("list by --id, --email or --status fails on a user it did not ask for, as when Panther ignores the filter", async () => {
    // The API describes both `id` and `ids`: a Panther honouring only the other, or a proxy dropping the query,
    // answers with every user, which a script deleting each user listed would delete.
    const everyone = json(200, { results: [rawUser("u1"), rawUser("u2"), rawUser("u3")] })
    const byId = await againstScripted([everyone], ["users", "list", "--id", "u1"])
    expect(byId.code).toBe(3)
    expect(ndjson(byId.stdout).map((user) => user.id)).not.toContain("u2")
    expect(stderrText(byId.stderr)).toContain(
      "it lists user u2 (u2@example.com), which the ids filter did not ask for: Panther, or a proxy in between, " +
        "may have ignored the filter. The list stopped there."
    )
    const byEmail = await againstScripted([everyone], ["users", "list", "--email", "u2@example.com"])
    expect(byEmail.code).toBe(3)
    expect(stderrText(byEmail.stderr)).toContain("it lists user u1 (u1@example.com), which the email filter did not")
    const byStatus = await againstScripted(
      [json(200, { results: [rawUser("u1", { status: "FORCE_CHANGE_PASSWORD" }), rawUser("u2")] })],
      ["users", "list", "--status", "FORCE_CHANGE_PASSWORD"]
    )
    expect(byStatus.code).toBe(3)
    expect(stderrText(byStatus.stderr)).toContain("it lists user u2 (u2@example.com), which the status filter did not")

    // An id or email in another case is the one asked for, as Panther compares them.
    const asked = json(200, { results: [rawUser("u1", { email: "Kim.Lee@Acme.com" })] })
    for (const filter of [
      ["--id", "U1"],
      ["--email", "kim.lee@acme.com"]
    ]) {
      const matched = await againstScripted([asked], ["users", "list", ...filter])
      expect(matched.code, matched.stderr).toBe(0)
      expect(ndjson(matched.stdout).map((user) => user.id)).toEqual(["u1"])
    }
  })

  it("a server in between refusing a long request (431) is said to be that, not a wrong address", async () => {
    const refused = await againstScripted([text(431, "")], ["users", "list", "--id", "u1"])
    expect(refused.code).toBe(3)
    expect(stderrText(refused.stderr)).toContain(
      "too large for a server in between (431): a very long cursor (as Panther sends it) or filter can cause it."
    )
    expect(refused.stderr).not.toContain("--api-url")
    const badId = await againstScripted([json(400, { message: "invalid user id format" })], ["users", "get", "bad-id"])
    expect(badId.code).toBe(3)
    expect(stderrText(badId.stderr)).toContain("Check the id (`panther-audit users list` shows them).")
    expect(badId.stderr).not.toContain("filters")
  })

  it("a request too large for a server names what made it so: a value given, or the user id, not --api-url", async () => {
    const name = "n".repeat(70_000)
    const tooBig = await againstScripted(
      [json(413, { message: "the request body is larger than the 65536 bytes this server accepts" })],
      [
        "users",
        "create",
        "--email",
        "kim@acme.example",
        "--given-name",
        name,
        "--family-name",
        "Lee",
        "--role",
        "Analyst"
      ]
    )
    expect(tooBig.code).toBe(3)
    expect(tooBig.methods).toEqual(["POST"])
    expect(stderrText(tooBig.stderr)).toContain(
      "The request's body was too large (413): a value given (a name, the email or the role) is too long; shorten it."
    )
    expect(tooBig.stderr).not.toContain("--api-url")
    for (const [status, args, length] of [
      [431, ["users", "get", "i".repeat(20_000)], 20_007],
      // Short enough for the scripted server's own header limit, which answers 431 before any step.
      [414, ["users", "delete", "--yes", "i".repeat(5_000)], 5_007]
    ] as const) {
      const longId = await againstScripted([text(status, "too long")], args)
      expect(longId.code).toBe(3)
      expect(stderrText(longId.stderr)).toContain(
        `for a server in between (${status}): the user id given is too long to be one; check it (\`panther-audit ` +
          "users list` shows the ids)."
      )
      expect(longId.stderr).not.toContain("cursor")
      // The path quoted by its start and its length, not a screenful of the id.
      expect(stderrText(longId.stderr)).toContain(` /users/${"i".repeat(113)}... (${length} characters) (${status})`)
      expect(longId.stderr.length).toBeLessThan(2_000)
    }
  })

  it("list with no filter fails when Panther lists nobody: every instance has an Admin", async () => {
    const empty = json(200, { results: [], next: "" })
    const unfiltered = await againstScripted([empty], ["users", "list"])
    expect(unfiltered.code).toBe(3)
    expect(unfiltered.stdout).toBe("")
    expect(stderrText(unfiltered.stderr)).toContain("listed no users at all (GET /users, 1 page)")
    expect(stderrText(unfiltered.stderr)).toContain("The empty list is not taken for a complete one.")
    const filtered = await againstScripted([empty], ["users", "list", "--contains", "nobody"])
    expect(filtered.code, filtered.stderr).toBe(0)
  })

  it("list filtered by --id, --email or --status matching nobody is no failure: exit 0, nothing printed", async () => {
    for (const filter of [
      ["--id", "gone-user"],
      ["--email", "nobody@example.com"],
      ["--status", "FORCE_CHANGE_PASSWORD"]
    ]) {
      const result = await againstScripted([json(200, { results: [], next: "" })], ["users", "list", ...filter])
      expect(result.code, `${filter.join(" ")}: ${result.stderr}`).toBe(0)
      expect(result.stdout).toBe("")
    }
  })

  it("list --id names the ids that listed no user, and why that can be", async () => {
    // A script checking that an offboarded user is gone, or an admin given two users of three, is told which id.
    const partly = await againstScripted(
      [json(200, { results: [rawUser("u1")] })],
      ["users", "list", "--id", "U1,gone-user", "--id", "u1"]
    )
    expect(partly.code, partly.stderr).toBe(0)
    expect(ndjson(partly.stdout).map((user) => user.id)).toEqual(["u1"])
    expect(stderrText(partly.stderr)).toContain(
      "no user listed for 1 of the 2 ids given (gone-user): Panther has no user with that id or the user is " +
        "deactivated (listed only with --include-deactivated)."
    )
    // Every id listed, in whatever case it was given: no note.
    const all = await againstScripted([json(200, { results: [rawUser("u1")] })], ["users", "list", "--id", "U1"])
    expect(all.code, all.stderr).toBe(0)
    expect(all.stderr).not.toContain("no user listed")
    // Deactivated users asked for, and the list narrowed by another filter: the reasons follow what was given.
    const narrowed = await againstScripted(
      [json(200, { results: [], next: "" })],
      ["users", "list", "--id", "u1", "--include-deactivated", "--status", "CONFIRMED"]
    )
    expect(narrowed.code, narrowed.stderr).toBe(0)
    expect(stderrText(narrowed.stderr)).toContain(
      "no user listed for the id given (u1): Panther has no user with that id or --contains or --status left the " +
        "user out."
    )
    // Many: the first ten are named, the rest counted.
    const ids = Array.from({ length: 12 }, (_, index) => `gone-${index + 1}`)
    const many = await againstScripted([json(200, { results: [], next: "" })], ["users", "list", "--id", ids.join(",")])
    expect(stderrText(many.stderr)).toContain(
      `no user listed for any of the 12 ids given (${ids.slice(0, 10).join(", ")}, and 2 more): for each, Panther ` +
        "has no user with that id or the user is deactivated (listed only with --include-deactivated)."
    )
    // Ten are all named: none is left to count.
    const ten = await againstScripted(
      [json(200, { results: [], next: "" })],
      ["users", "list", "--id", ids.slice(0, 10).join(",")]
    )
    expect(stderrText(ten.stderr)).toContain(
      `no user listed for any of the 10 ids given (${ids.slice(0, 10).join(", ")}): for each, Panther has no user`
    )
  })

  it("list --email with another filter, which Panther would ignore, is refused before anything is sent", async () => {
    // Panther lists the user with that email whatever --status, --contains or --id say: a script asking for a pending
    // user by email got a confirmed one, exit 0, with only a note on stderr.
    for (const [others, named] of [
      [["--status", "FORCE_CHANGE_PASSWORD"], "--status"],
      [["--contains", "zzz"], "--contains"],
      [["--id", "u2"], "--id"],
      [["--id", "u2", "--status", "CONFIRMED"], "--status and --id"]
    ] as const) {
      const byEmail = await againstScripted(
        [json(200, { results: [rawUser("u1")] })],
        ["users", "list", "--email", "u1@example.com", ...others]
      )
      expect(byEmail.code, others.join(" ")).toBe(2)
      expect(byEmail.stdout, others.join(" ")).toBe("")
      expect(byEmail.requests, others.join(" ")).toHaveLength(0)
      expect(stderrText(byEmail.stderr), others.join(" ")).toContain(
        `Panther ignores ${named} beside --email, and would list the user with that email whatever ` +
          `${named.includes(" and ") ? "they ask" : "it asks"} for: give --email alone, or ${named} without it. ` +
          "Nothing was sent."
      )
    }
    // --include-deactivated narrows nothing: with --email it is taken, as Panther takes it.
    const deactivatedToo = await againstScripted(
      [json(200, { results: [rawUser("u1")] })],
      ["users", "list", "--email", "u1@example.com", "--include-deactivated"]
    )
    expect(deactivatedToo.code, deactivatedToo.stderr).toBe(0)
    expect(ndjson(deactivatedToo.stdout).map((user) => user.id)).toEqual(["u1"])
  })

  it("list --id given an email a user holds refuses it, naming the user's id, not say Panther has no such user", async () => {
    // A check that an offboarded user is gone, fed addresses: told that no user has that id, a script reads it as gone.
    const [user] = ndjson((await asReader("users", "list", "--contains", "a")).stdout)
    if (user === undefined) throw new Error("the simulator listed no user")
    const holders = ndjson((await asReader("users", "list", "--email", user.email)).stdout)
    expect(holders.map((holder) => holder.id)).toEqual([user.id])
    const given = user.email.toUpperCase()
    const refused = await asReader("users", "list", "--id", given)
    expect(refused.code, refused.stderr).toBe(2)
    expect(stderrText(refused.stderr)).toContain(
      `${given} is the email of a user (id ${user.id}), not a user id: \`users list --id\` takes the id: ` +
        `\`panther-audit users list --id ${user.id}\``
    )
    expect(refused.stderr).not.toContain("no user listed")
    expect(refused.stderr).not.toContain("nothing was changed")
    // An address no user holds is an id that listed no one, as before.
    const absent = await asReader("users", "list", "--id", "never-here@example.com")
    expect(absent.code, absent.stderr).toBe(0)
    expect(stderrText(absent.stderr)).toContain("no user listed for the id given (never-here@example.com)")
    // Should the search by email fail, the note is said: it answers what was asked.
    const unsearched = await againstScripted(
      [json(200, { results: [] }), json(403, { message: "forbidden" })],
      ["users", "list", "--id", "kim@example.com"]
    )
    expect(unsearched.code, unsearched.stderr).toBe(0)
    expect(stderrText(unsearched.stderr)).toContain("no user listed for the id given (kim@example.com)")
    expect(unsearched.methods).toEqual(["GET", "GET"])
  })

  it("list --email finds the user Panther holds in another case, saying so, as an offboarding script needs", async () => {
    // Panther's email filter is exact, case included; Panther takes addresses in any case.
    const someone = ndjson((await asReader("users", "list", "--contains", "@")).stdout)[0]
    if (someone === undefined) throw new Error("the simulator should have users")
    const shouted = someone.email.toUpperCase()
    const result = await asReader("users", "list", "--email", shouted)
    expect(result.code, result.stderr).toBe(0)
    expect(ndjson(result.stdout).map((user) => user.id)).toEqual([someone.id])
    expect(stderrText(result.stderr)).toContain(
      `no user has exactly the email ${shouted}; Panther holds it as ${someone.email}`
    )
    const exact = await asReader("users", "list", "--email", someone.email)
    expect(ndjson(exact.stdout).map((user) => user.id)).toEqual([someone.id])
    expect(exact.stderr).not.toContain("no user has exactly")
  })

  it("list --email lists every account holding the address in another case, not the first alone", async () => {
    // Two accounts made before Panther compared emails without case: either can still sign in.
    const older = rawUser("u1", { email: "KIM.LEE@acme.com" })
    const newer = rawUser("u2", { email: "kim.lee@acme.com" })
    const other = rawUser("u3", { email: "kim.lee@acme.com.au" })
    const server = await startScriptedServer((_index, request) =>
      json(200, { results: request.query.has("email") ? [] : [older, other, newer] })
    )
    try {
      const result = await runCli(["users", "list", "--email", "Kim.Lee@acme.com", "--format", "ndjson"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
      })
      expect(result.code, result.stderr).toBe(0)
      expect(ndjson(result.stdout).map((user) => user.id)).toEqual(["u1", "u2"])
      expect(stderrText(result.stderr)).toContain(
        "no user has exactly the email Kim.Lee@acme.com; Panther holds it as KIM.LEE@acme.com and kim.lee@acme.com " +
          "(2 accounts), listed above."
      )
    } finally {
      await server.close()
    }
  })

  it("list --email says a deactivated account the email filter left out holds the address, not that none does", async () => {
    // The notes have deactivated users left out of GET /users unless asked for; should Panther's email filter leave
    // them out too, the search in any case finds the account, which holds the address exactly.
    const gone = rawUser("u1", { email: "kim.lee@acme.com", enabled: false })
    const shouted = rawUser("u2", { email: "KIM.LEE@acme.com" })
    for (const [found, note] of [
      [
        [gone],
        "the email filter listed nobody, yet Panther holds kim.lee@acme.com (deactivated), listed above: the filter " +
          "may leave deactivated accounts out."
      ],
      [
        [shouted, gone],
        "the email filter listed nobody, yet Panther holds KIM.LEE@acme.com and kim.lee@acme.com (deactivated) " +
          "(2 accounts), listed above: the filter may leave deactivated accounts out."
      ]
    ] as const) {
      const server = await startScriptedServer((_index, request) =>
        json(200, { results: request.query.has("email") ? [] : found })
      )
      try {
        const result = await runCli(["users", "list", "--email", "kim.lee@acme.com", "--format", "ndjson"], {
          env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
        })
        expect(result.code, result.stderr).toBe(0)
        expect(ndjson(result.stdout).map((user) => user.id)).toEqual(found.map((user) => user.id))
        expect(stderrText(result.stderr)).toContain(note)
        expect(stderrText(result.stderr)).not.toContain("no user has exactly")
      } finally {
        await server.close()
      }
    }
  })

  it("list sends a known --status in any case as Cognito spells it, and notes one it does not know", async () => {
    // Panther matches the status exactly: `confirmed` listed nobody, exit 0, without a word.
    for (const [given, sent] of [
      ["confirmed", "CONFIRMED"],
      [" Force_Change_Password ", "FORCE_CHANGE_PASSWORD"],
      ["archived", "ARCHIVED"]
    ] as const) {
      const result = await againstScripted(
        [json(200, { results: [rawUser("u1", { status: sent })] })],
        ["users", "list", "--status", given]
      )
      expect(result.code, result.stderr).toBe(0)
      expect(result.requests[0]?.query.get("status"), given).toBe(sent)
      expect(result.stderr, given).toBe("")
    }
    // Status is an open string: an unknown one is still asked for, with a note naming the known ones.
    const typo = await againstScripted(
      [json(200, { results: [], next: "" })],
      ["users", "list", "--status", "FORCE_CHANGE_PASWORD"]
    )
    expect(typo.code, typo.stderr).toBe(0)
    expect(typo.stdout).toBe("")
    expect(typo.requests[0]?.query.get("status")).toBe("FORCE_CHANGE_PASWORD")
    expect(stderrText(typo.stderr)).toContain(
      '--status "FORCE_CHANGE_PASWORD" is not a Cognito status this tool knows (CONFIRMED, FORCE_CHANGE_PASSWORD, ' +
        "UNCONFIRMED, RESET_REQUIRED, EXTERNAL_PROVIDER, COMPROMISED, ARCHIVED, UNKNOWN); it is sent as given"
    )
    // Quoted in the note without the C1 CSI it holds (JSON's quoting escapes C0 controls only), on a terminal's line.
    const control = await againstScripted(
      [json(200, { results: [], next: "" })],
      ["users", "list", "--status", "X\u009b2J", "--log-format", "pretty"]
    )
    expect(control.code, control.stderr).toBe(0)
    expect(control.stderr).toContain('--status "X\uFFFD2J" is not a Cognito status')
    expect(control.stderr).not.toContain("\u009b")
  })

  it("list prints a user once even when Panther repeats it pages apart", async () => {
    const server = await startScriptedServer([
      json(200, { results: [rawUser("u1"), rawUser("u2")], next: "c1" }),
      json(200, { results: [rawUser("u2"), rawUser("u3")], next: "c2" }),
      json(200, { results: [rawUser("u3"), rawUser("u1"), rawUser("u4")] })
    ])
    try {
      const result = await runCli(["users", "list"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
      })
      expect(result.code).toBe(0)
      expect(ndjson(result.stdout).map((user) => user.id)).toEqual(["u1", "u2", "u3", "u4"])
      // u2 and u3 at page boundaries (left out by the client), u1 two pages apart.
      expect(stderrText(result.stderr)).toContain(
        "3 records from Panther repeated a user already listed or reported (u2, u3, u1); left out"
      )
    } finally {
      await server.close()
    }
  }, 60_000)

  it("list prints each user as Panther sent it as ndjson, fields the API's schema does not name included", async () => {
    const sent = [
      { ...rawUser("u1"), mfaEnabled: true, groups: ["soc"], status: null },
      { ...rawUser("u2"), lastLoggedInAt: "" }
    ]
    const page = json(200, { results: sent })
    const listed = await againstScripted([page], ["users", "list", "--format", "ndjson"])
    expect(listed.code, listed.stderr).toBe(0)
    expect(ndjson(listed.stdout)).toEqual(sent)
    // The CSV keeps its columns.
    const csv = await againstScripted([page], ["users", "list", "--format", "csv"])
    expect(csv.code, csv.stderr).toBe(0)
    expect(csv.stdout.split("\n")[0]).toBe(
      "id,email,givenName,familyName,roleName,roleId,enabled,status,createdAt,lastLoggedInAt"
    )
    expect(csv.stdout).not.toContain("soc")
  })

  it("list as CSV puts each field under its column, a formula as text, and a header alone for no users", async () => {
    const { lastLoggedInAt: _never, ...neverLoggedIn } = rawUser("u2", {
      givenName: '=HYPERLINK("http://evil.example")',
      role: { id: "role-x" },
      enabled: false,
      status: "FORCE_CHANGE_PASSWORD"
    })
    const listed = await againstScripted(
      [json(200, { results: [rawUser("u1"), neverLoggedIn] })],
      ["users", "list", "--include-deactivated", "--format", "csv"]
    )
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout.trimEnd().split("\n")).toEqual([
      "id,email,givenName,familyName,roleName,roleId,enabled,status,createdAt,lastLoggedInAt",
      "u1,u1@example.com,Given,Family-u1,Analyst,role-analyst,true,CONFIRMED,2024-01-02T03:04:05Z,2025-01-02T03:04:05.123Z",
      `u2,u2@example.com,"'=HYPERLINK(""http://evil.example"")",Family-u2,,role-x,false,FORCE_CHANGE_PASSWORD,2024-01-02T03:04:05Z,`
    ])
    const none = await againstScripted(
      [json(200, { results: [] })],
      ["users", "list", "--contains", "nobody", "--format", "csv"]
    )
    expect(none.code, none.stderr).toBe(0)
    expect(none.stdout).toBe("id,email,givenName,familyName,roleName,roleId,enabled,status,createdAt,lastLoggedInAt\n")
  })

  it("list as CSV keeps as text a formula after space, which a spreadsheet trimming cells runs", async () => {
    const listed = await againstScripted(
      [json(200, { results: [rawUser("u1", { givenName: " =1+1", familyName: "\u00a0@SUM(A1)" })] })],
      ["users", "list", "--format", "csv"]
    )
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout.trimEnd().split("\n")[1]).toBe(
      "u1,u1@example.com,' =1+1,'\u00a0@SUM(A1),Analyst,role-analyst,true,CONFIRMED,2024-01-02T03:04:05Z," +
        "2025-01-02T03:04:05.123Z"
    )
  })

  it("list as a table says yes or no for enabled, never for no login, the role by id without a name", async () => {
    const { lastLoggedInAt: _never, ...neverLoggedIn } = rawUser("u2", { role: { id: "role-x" }, enabled: false })
    // A name sent empty is no name either: the id is what there is to show.
    const emptyRoleName = rawUser("u3", { role: { id: "role-y", name: "" } })
    const listed = await againstScripted(
      [json(200, { results: [rawUser("u1"), neverLoggedIn, emptyRoleName] })],
      ["users", "list", "--include-deactivated", "--format", "table"]
    )
    expect(listed.code, listed.stderr).toBe(0)
    expect(
      listed.stdout
        .trimEnd()
        .split("\n")
        .map((line) => line.split(/ {2,}/))
    ).toEqual([
      ["ID", "EMAIL", "NAME", "ROLE", "STATUS", "ENABLED", "LAST LOGIN"],
      ["u1", "u1@example.com", "Given Family-u1", "Analyst", "CONFIRMED", "yes", "2025-01-02T03:04:05.123Z"],
      ["u2", "u2@example.com", "Given Family-u2", "role-x", "CONFIRMED", "no", "never"],
      ["u3", "u3@example.com", "Given Family-u3", "role-y", "CONFIRMED", "yes", "2025-01-02T03:04:05.123Z"]
    ])
    const none = await againstScripted(
      [json(200, { results: [] })],
      ["users", "list", "--contains", "nobody", "--format", "table"]
    )
    expect(none.code, none.stderr).toBe(0)
    expect(none.stdout).toBe("")
    expect(stderrText(none.stderr)).toContain("No users matched.")
  })

  it("tells its caller in the log format: JSON lines for a collector, plain lines with --log-format pretty", async () => {
    const page = json(200, { results: [rawUser("u1"), rawUser("u2", { enabled: "no" })], next: "" })
    const asJson = await againstScripted([page], ["users", "list", "--log-format", "json"])
    expect(asJson.code).toBe(3)
    const lines = asJson.stderr.trim().split("\n")
    const parsed = lines.map((line) => JSON.parse(line) as { message: string; logLevel: string })
    expect(parsed[0]).toMatchObject({ logLevel: "WARN" })
    expect(parsed[0]?.message).toContain("user u2 (u2@example.com) does not match the API description")
    const created = await againstScripted(
      [json(200, rawUser("u9"))],
      [
        "users",
        "create",
        "--email",
        "u9@example.com",
        "--given-name",
        "U",
        "--family-name",
        "Nine",
        "--role-id",
        "role-analyst"
      ]
    )
    expect(created.code, created.stderr).toBe(0)
    expect(JSON.parse(created.stderr.trim())).toMatchObject({
      message: "Created user u9@example.com (u9).",
      logLevel: "INFO"
    })

    const pretty = await againstScripted([page], ["users", "list", "--log-format", "pretty"])
    expect(pretty.stderr).toContain(
      "panther-audit: warning: user u2 (u2@example.com) does not match the API description"
    )
  })

  it("create --if-absent sends no create for an email Panther has, deactivated or with an invalid record", async () => {
    const args = ["users", "create", "--email", "dup@example.com", "--given-name", "Al", "--family-name", "Bo"]
    const invalid = { ...rawUser("u1", { email: "Dup@example.com" }), role: null }
    const asInvalid = await againstScripted(
      [json(200, { results: [invalid] })],
      [...args, "--role", "Analyst", "--if-absent"]
    )
    expect(asInvalid.code, asInvalid.stderr).toBe(0)
    expect(asInvalid.methods).toEqual(["GET"])
    expect(JSON.parse(asInvalid.stdout)).toEqual(invalid)
    expect(stderrText(asInvalid.stderr)).toContain("Dup@example.com (u1) already exists: not created (--if-absent).")
    expect(stderrText(asInvalid.stderr)).toContain("Its record does not match the API description (role:")

    const deactivated = rawUser("u2", { email: "dup@example.com", enabled: false })
    const gone = await againstScripted(
      [json(200, { results: [deactivated] })],
      [...args, "--role", "Analyst", "--if-absent"]
    )
    expect(gone.code, gone.stderr).toBe(0)
    expect(stderrText(gone.stderr)).toContain("It is deactivated, which Panther's API cannot undo")
  })

  it("create --if-absent whose look-up by the email is refused says nothing was created, not to check filters", async () => {
    const refused = await againstScripted(
      [json(400, { message: "invalid parameter" })],
      [
        "users",
        "create",
        "--email",
        "a+b@example.com",
        "--given-name",
        "Al",
        "--family-name",
        "Bo",
        "--role",
        "Analyst",
        "--if-absent"
      ]
    )
    expect(refused.code).toBe(3)
    expect(refused.methods).toEqual(["GET"])
    expect(refused.requests[0]?.query.get("contains")).toBe("a+b@example.com")
    const said = stderrText(refused.stderr)
    expect(said).toContain("Panther rejected GET /users (400). Panther said: invalid parameter.")
    expect(said).toContain("The list by the email given, which --if-absent looks the user up in, was refused")
    expect(said).toContain("nothing was created")
    expect(said).not.toContain("Check the filters given")
  })

  it("create --if-absent finding a user not as asked says so as a warning, one as asked as done", async () => {
    const args = ["users", "create", "--email", "dup@example.com", "--given-name", "Al", "--family-name", "Bo"]
    const said = async (found: object) => {
      const result = await againstScripted(
        [json(200, { results: [found] })],
        [...args, "--role", "Analyst", "--if-absent", "--log-format", "json"]
      )
      expect(result.code, result.stderr).toBe(0)
      return result.stderr
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { message: string; logLevel: string })
        .find((line) => line.message.includes("already exists"))?.logLevel
    }
    const asAsked = rawUser("u1", { email: "dup@example.com", givenName: "Al", familyName: "Bo" })
    expect(await said({ ...asAsked, role: null })).toBe("WARN")
    expect(await said(asAsked)).toBe("INFO")
    // Exit 0 all the same, but someone must act: the new hire cannot sign in, or the account is not the one asked for.
    expect(await said({ ...asAsked, enabled: false })).toBe("WARN")
    expect(await said({ ...asAsked, role: { id: "role-admin", name: "Admin" } })).toBe("WARN")
  }, 60_000)

  it("says a record left out of a list whatever --log-level, as the failure after it refers to it", async () => {
    const page = json(200, { results: [rawUser("u1"), rawUser("u2", { enabled: "no" })], next: "" })
    const quiet = await againstScripted([page], ["users", "list", "--log-format", "json", "--log-level", "error"])
    expect(quiet.code).toBe(3)
    expect(stderrText(quiet.stderr)).toContain("user u2 (u2@example.com) does not match the API description")
  })

  it("list cut short by a failure after users were printed says they are not the whole list", async () => {
    const first = json(200, { results: [rawUser("u1"), rawUser("u2")], next: "page-2" })
    const refused = json(401, { message: "token expired" })
    for (const format of ["ndjson", "csv"]) {
      const result = await againstScripted([first, refused], ["users", "list", "--format", format])
      expect(result.code).toBe(3)
      expect(result.stdout).toContain("u2@example.com")
      const said = stderrText(result.stderr)
      expect(said).toContain(
        "the list is incomplete: it stopped at the failure below, after the 2 users printed above; run it again"
      )
      expect(said.indexOf("the list is incomplete")).toBeLessThan(said.indexOf("Panther refused the API token (401)"))
    }
    // Nothing printed, nothing to call incomplete: the failure alone says it.
    const table = await againstScripted([first, refused], ["users", "list", "--format", "table"])
    expect(table.code).toBe(3)
    expect(table.stdout).toBe("")
    expect(stderrText(table.stderr)).not.toContain("incomplete")
  }, 60_000)

  it("list names invalid records on stderr, prints the valid users, and exits 3", async () => {
    const server = await startScriptedServer([
      json(200, { results: [rawUser("u1"), rawUser("u2", { enabled: "no" }), rawUser("u3")] })
    ])
    try {
      const result = await runCli(["users", "list"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
      })
      expect(result.code).toBe(3)
      expect(ndjson(result.stdout).map((user) => user.id)).toEqual(["u1", "u3"])
      expect(stderrText(result.stderr)).toContain("user u2 (u2@example.com) does not match the API description")
      expect(stderrText(result.stderr)).toContain('enabled: Expected boolean, actual "no"')
      expect(stderrText(result.stderr)).toContain(
        "1 user record from Panther did not match the Users API description and is missing"
      )
    } finally {
      await server.close()
    }
    // Two are counted as two: the count is what a script's operator checks against the names above it.
    const two = await againstScripted(
      [json(200, { results: [rawUser("u1", { enabled: "no" }), rawUser("u2", { givenName: null })] })],
      ["users", "list"]
    )
    expect(two.code).toBe(3)
    expect(stderrText(two.stderr)).toContain(
      "2 user records from Panther did not match the Users API description and are missing"
    )
  }, 60_000)

  it("a create, update or delete stopped before Panther answered says the change may have been made", async () => {
    const cases = [
      {
        args: ["users", "create", "--email", "kim@acme.com", "--given-name", "Kim", "--family-name", "Lee"],
        extra: ["--role", "Analyst"],
        signal: "SIGTERM",
        says: "the user may have been created all the same: check with `panther-audit users list --contains kim@acme.com`"
      },
      {
        args: ["users", "update", "u1", "--role", "Admin"],
        extra: [],
        signal: "SIGINT",
        says: "the change may have been made all the same: check with `panther-audit users get u1`"
      },
      {
        args: ["users", "delete", "u1", "--yes"],
        extra: [],
        signal: "SIGTERM",
        says: "the user may have been deleted all the same: check with `panther-audit users get u1`"
      }
    ] as const
    for (const { args, extra, signal, says } of cases) {
      let child: ReturnType<typeof spawn> | undefined
      // The lookup is answered; the change reaches Panther, and the person at the terminal gives up waiting.
      const server = await startScriptedServer((_index, request) =>
        request.method === "GET"
          ? json(200, rawUser("u1"))
          : () => {
              child?.kill(signal)
            }
      )
      try {
        for (const format of ["json", "pretty"]) {
          const spawned = endWithTest(
            spawn(process.execPath, [BIN, ...args, ...extra, "--log-format", format], {
              env: { PATH: process.env.PATH ?? "", PANTHER_API_URL: server.url, PANTHER_API_TOKEN: "scripted-token" }
            })
          )
          child = spawned
          let stderr = ""
          spawned.stderr?.on("data", (chunk: Buffer) => {
            stderr += chunk.toString("utf8")
          })
          const code = await new Promise<number | null>((resolve) => spawned.on("close", resolve))
          expect(code, stderr).toBe(signal === "SIGINT" ? 130 : 143)
          expect(stderrText(stderr)).toContain(says)
          if (format === "json") {
            const [warning, last] = stderr
              .trim()
              .split("\n")
              .slice(-2)
              .map((line) => JSON.parse(line) as { message: string; logLevel: string })
            expect(warning).toMatchObject({ logLevel: "WARN", message: expect.stringContaining(says) })
            expect(last).toMatchObject({ logLevel: "INFO", message: `stopped by ${signal}.` })
          } else {
            expect(stderr.trimEnd().split("\n").at(-1)).toBe(`panther-audit: stopped by ${signal}.`)
          }
        }
      } finally {
        await server.close()
      }
    }
  }, 60_000)

  it("never prints a token, even one given on the command line", async () => {
    const flagged = await runCli(["users", "get", "nobody", "--api-token", simulator.adminToken], {
      env: { PANTHER_API_URL: simulator.baseUrl }
    })
    expect(flagged.code).toBe(3)
    expectNoToken(flagged)
  }, 60_000)
})
