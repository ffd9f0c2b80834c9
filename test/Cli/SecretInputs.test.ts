/**
 * Files and values that are not what they should be, where a secret is at stake: a token file that is a pipe, a
 * device or far too large; a token in the place of the URL or of a user id. Each is refused with exit 2 (or, for a
 * pipe no one writes to, left to a stop signal, which must still end the process), and the token never shows.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { open } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runCli, stderrText } from "../support/cli.js"
import { json, startScriptedServer } from "../support/scriptedServer.js"
import { startSimulator } from "../support/simulator.js"
import { rawUser } from "../support/testClient.js"

const TOKEN = "pat-5f0c1e9a7b3d4e2f8a6c0b1d9e7f3a25"

const workDirs: Array<string> = []
afterAll(() => {
  for (const directory of workDirs) rmSync(directory, { recursive: true, force: true })
})
const workDir = () => {
  const directory = mkdtempSync(join(tmpdir(), "secret-inputs-"))
  workDirs.push(directory)
  return directory
}

const namedPipe = () => {
  const path = join(workDir(), "token")
  execFileSync("mkfifo", [path])
  return path
}

/**
 * The command in its own process, stopped with SIGTERM once it has `pipe`, which no one writes to, open to read it.
 * A stop at a fixed time after the start came, on a loaded machine, before the command listened for SIGTERM at all,
 * and Node's default ended it without the exit code looked for. Seen in /proc (Linux), not by opening the pipe to
 * write: that would end a wait in the pipe's open, the very wait that once kept Node from exiting.
 */
const stoppedWhileReading = (args: ReadonlyArray<string>, env: Record<string, string>, pipe: string) =>
  runCli(args, { env, stopWhen: (pid) => hasOpen(pid, pipe), timeoutMs: 30_000 })

/** Whether process `pid` has the file at `path` open (false once it has exited). */
const hasOpen = (pid: number, path: string): boolean => {
  try {
    const descriptors = `/proc/${pid}/fd`
    return readdirSync(descriptors).some((fd) => {
      try {
        return readlinkSync(join(descriptors, fd)) === path
      } catch {
        return false // closed since the listing
      }
    })
  } catch {
    return false
  }
}

describe("a token file that is not a plain small file", () => {
  it("a named pipe no one writes to waits, and SIGTERM still ends the process at once", async () => {
    const pipe = namedPipe()
    const result = await stoppedWhileReading(
      ["users", "list"],
      { PANTHER_API_URL: "http://127.0.0.1:9", PANTHER_API_TOKEN_FILE: pipe },
      pipe
    )
    expect(result.code, result.stderr).toBe(143)
    // Before, the open of the pipe held one of libuv's threads, and Node never exited: SIGKILL ended it.
    expect(result.endedAfterStopMs).toBeGreaterThanOrEqual(0)
    expect(result.endedAfterStopMs).toBeLessThan(4_000)
  })

  it("a pipe is read to its end, as `--api-token-file <(pass show panther)` gives one", async () => {
    const server = await startScriptedServer([json(200, { results: [rawUser("u1")] })])
    try {
      const pipe = namedPipe()
      const listed = runCli(["users", "list"], {
        env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN_FILE: pipe }
      })
      // The writer comes after the reader has opened the pipe, as a shell's process substitution may.
      const writer = await open(pipe, "w")
      await writer.write(`\uFEFF${TOKEN}\r\n`)
      await writer.close()
      const result = await listed
      expect(result.code, result.stderr).toBe(0)
      expect(server.requests[0]?.headers["x-api-key"]).toBe(TOKEN)
    } finally {
      await server.close()
    }
  })

  it.each([
    ["a device", () => "/dev/zero", "it is a device, not a file"],
    [
      "a file far larger than a token",
      () => {
        const path = join(workDir(), "token")
        writeFileSync(path, `${TOKEN}\n`.repeat(3_000))
        return path
      },
      "it is larger than 64 KiB, more than a token file can be: check that it is the right file"
    ]
  ])("%s is refused without being read whole", async (_case, makePath, reason) => {
    const result = await runCli(["users", "list"], {
      env: { PANTHER_API_URL: "http://127.0.0.1:9", PANTHER_API_TOKEN_FILE: makePath() }
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(`cannot be read: ${reason}`)
    // The message ends the reason with a full stop of its own: not "...the right file?."
    expect(stderrText(result.stderr)).not.toMatch(/[?.]\.$/m)
    expect(result.stderr).not.toContain(TOKEN)
  })
})

describe("an SMTP password file that is not a plain small file", () => {
  const emailEnv = {
    PANTHER_API_URL: "http://127.0.0.1:9",
    PANTHER_API_TOKEN: TOKEN,
    MAIL_TO: "security@acme.example",
    MAIL_FROM: "audit@acme.example",
    SMTP_URL: "smtp://127.0.0.1:9",
    SMTP_USER: "audit"
  }

  it("a named pipe no one writes to does not keep SIGTERM from ending the run", async () => {
    const pipe = namedPipe()
    const result = await stoppedWhileReading(
      ["run", "--report-dir", workDir(), "--email", "always"],
      { ...emailEnv, SMTP_PASSWORD_FILE: pipe },
      pipe
    )
    expect(result.code, result.stderr).toBe(143)
    expect(result.endedAfterStopMs).toBeGreaterThanOrEqual(0)
    expect(result.endedAfterStopMs).toBeLessThan(4_000)
  })

  it("a device is refused", async () => {
    const result = await runCli(["run", "--report-dir", workDir(), "--email", "always"], {
      env: { ...emailEnv, SMTP_PASSWORD_FILE: "/dev/zero" }
    })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(
      "SMTP_PASSWORD_FILE /dev/zero cannot be read: it is a device, not a file"
    )
  })
})

describe("--smtp-password-file and --smtp-ca-file given as flags", () => {
  const emailEnv = {
    PANTHER_API_URL: "http://127.0.0.1:9",
    PANTHER_API_TOKEN: TOKEN,
    MAIL_TO: "security@acme.example",
    MAIL_FROM: "audit@acme.example",
    SMTP_URL: "smtp://127.0.0.1:9",
    SMTP_USER: "audit"
  }
  const linkLoop = () => {
    const directory = workDir()
    symlinkSync(join(directory, "b"), join(directory, "a"))
    symlinkSync(join(directory, "a"), join(directory, "b"))
    return join(directory, "a")
  }

  it.each([
    ["--smtp-password-file", "SMTP_PASSWORD_FILE", {}],
    ["--smtp-ca-file", "SMTP_CA_FILE", { SMTP_PASSWORD: "pw-1f2e3d4c" }]
  ])("%s naming a link that leads round in a loop is a configuration error, as %s is", async (flag, variable, more) => {
    const result = await runCli(["run", "--report-dir", workDir(), "--email", "always", flag, linkLoop()], {
      env: { ...emailEnv, ...more }
    })
    // Before, the command line's own check of the path died on ELOOP: exit 70 and a stack trace.
    expect(result.code, result.stderr).toBe(2)
    expect(stderrText(result.stderr)).toContain(`${flag} / ${variable}`)
    expect(stderrText(result.stderr)).toContain("a link in the path leads round in a loop")
    expect(result.stderr).not.toMatch(/\n\s+at |internal error/)
  })

  it("a pipe is read as the variable's is, not refused as no regular file", async () => {
    const sim = await startSimulator({ users: 5 })
    try {
      const pipe = namedPipe()
      const running = runCli(["run", "--report-dir", workDir(), "--email", "always", "--smtp-password-file", pipe], {
        env: { ...emailEnv, PANTHER_API_URL: sim.baseUrl, PANTHER_API_TOKEN: sim.readToken, SMTP_RETRIES: "0" }
      })
      const writer = await open(pipe, "w")
      await writer.write("pw-1f2e3d4c\n")
      await writer.close()
      const result = await running
      // The password was read; the run then fails to reach the mail server, after writing its reports.
      expect(stderrText(result.stderr)).not.toContain("to be a regular file")
      expect(stderrText(result.stderr)).toContain("cannot connect to 127.0.0.1:9")
      expect(result.code, result.stderr).toBe(4)
    } finally {
      await sim.close()
    }
  })
})

describe("a suppressions file that is a named pipe no one writes to", () => {
  it("does not keep SIGTERM from ending the run", async () => {
    const pipe = namedPipe()
    const result = await stoppedWhileReading(
      ["run", "--report-dir", workDir(), "--suppressions", pipe],
      { PANTHER_API_URL: "http://127.0.0.1:9", PANTHER_API_TOKEN: TOKEN },
      pipe
    )
    expect(result.code, result.stderr).toBe(143)
    expect(result.endedAfterStopMs).toBeGreaterThanOrEqual(0)
    expect(result.endedAfterStopMs).toBeLessThan(4_000)
  })
})

describe("a token where it does not belong", () => {
  it("far too long (another file's content in the variable) is refused, not quoted, and nothing is sent", async () => {
    const server = await startScriptedServer([json(401, { message: "bad key" })])
    try {
      const long = Buffer.from(Array.from({ length: 19_000 }, (_, index) => (index * 7919) % 256)).toString("base64")
      const result = await runCli(["users", "list"], { env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: long } })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr)).toContain(
        `The API token is ${long.length} characters long, more than an API token is (at most 4096)`
      )
      expect(result.stderr).not.toContain(long.slice(0, 40))
      expect(server.requests).toHaveLength(0)
    } finally {
      await server.close()
    }
  })

  it.each([
    ["PANTHER_API_TOKEN holding the URL", { PANTHER_API_TOKEN: "https://api.acme.runpanther.net" }, "is a URL"],
    ["no token set", {}, "it is not shown, in case it is the API token"]
  ])("in the API URL's place, the variables swapped (%s), is not quoted back", async (_case, variables, says) => {
    const result = await runCli(["users", "list"], { env: { PANTHER_API_URL: TOKEN, ...variables } })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain(says)
    expect(result.stderr).not.toContain(TOKEN)
  })

  it.each([
    ["as it is", TOKEN],
    ["after a scheme", `https://${TOKEN}`],
    ["as a host of plain http", `http://${TOKEN}/`]
  ])("in the API URL's place (%s) is not quoted back", async (_case, url) => {
    const result = await runCli(["users", "list"], { env: { PANTHER_API_URL: url, PANTHER_API_TOKEN: TOKEN } })
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain("--api-url / PANTHER_API_URL holds the API token (not shown)")
    expect(result.stderr).not.toContain(TOKEN)
  })

  it.each([
    ["get", ["users", "get", TOKEN]],
    ["update", ["users", "update", TOKEN, "--given-name", "Kim"]],
    ["delete", ["users", "delete", TOKEN, "--if-exists"]],
    ["delete --yes", ["users", "delete", TOKEN, "--yes", "--if-exists"]],
    ["list --id", ["users", "list", "--id", "u1", "--id", TOKEN]],
    ["list --contains", ["users", "list", "--contains", TOKEN.toUpperCase()]],
    ["list --email", ["users", "list", "--email", `${TOKEN}@example.com`]],
    ["list --status", ["users", "list", "--status", TOKEN]]
  ])("as the user id or filter of %s is refused before anything is sent", async (_case, args) => {
    const server = await startScriptedServer([json(404, { message: "no such user" })])
    try {
      const result = await runCli(args, { env: { PANTHER_API_URL: server.url, PANTHER_API_TOKEN: TOKEN } })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr)).toMatch(/(The user id|--id|--contains|--email|--status) holds the API token/)
      expect((result.stderr + result.stdout).toLowerCase()).not.toContain(TOKEN.toLowerCase())
      expect(server.requests).toHaveLength(0)
    } finally {
      await server.close()
    }
  })
})
