import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { secretArguments } from "../../src/Cli/SecretArguments.js"
import { runCli, stderrText } from "../support/cli.js"
import { startSimulator } from "../support/simulator.js"

const TOKEN = "pat-ARGV-SECRET-5d1e9b7c"

describe("secret values on the command line", () => {
  it("are the values of the token, password and SMTP URL flags, in both forms", () => {
    expect(
      secretArguments([
        "node",
        "bin.js",
        "run",
        "--api-token",
        TOKEN,
        "--smtp-password=pw-secret",
        "--smtp-url",
        "smtps://u:pw2@mail.example",
        "--report-dir",
        "reports"
      ])
    ).toEqual(expect.arrayContaining([TOKEN, "pw-secret", "smtps://u:pw2@mail.example"]))
    expect(secretArguments(["node", "bin.js", "run", "--report-dir", "reports"])).toEqual([])
  })

  it("take of --smtp-url only what holds a secret: a login's password, or a value that is no address", () => {
    expect(secretArguments(["node", "bin.js", "run", "--smtp-url", "smtp://relay.example.com:25"])).toEqual([])
    expect(secretArguments(["node", "bin.js", "run", "--smtp-url=smtps://u:pw2%40xyz9@mail.example"])).toEqual(
      expect.arrayContaining(["smtps://u:pw2%40xyz9@mail.example", "pw2%40xyz9", "pw2@xyz9"])
    )
    // The password pasted where the URL goes.
    expect(secretArguments(["node", "bin.js", "run", "--smtp-url", "hunter2-relay"])).toEqual(["hunter2-relay"])
  })

  it("leave a mail relay's URL without a login shown where a refusal of it quotes it", async () => {
    const result = await runCli(
      ["run", "--smtp-url", "smtp://relay.example.com:0", "--email", "always", "--log-format", "pretty"],
      { env: { PANTHER_API_URL: "http://127.0.0.1:9", PANTHER_API_TOKEN: TOKEN } }
    )
    expect(result.code).toBe(2)
    expect(stderrText(result.stderr)).toContain("--smtp-url / SMTP_URL smtp://relay.example.com:0 names port 0")
    expect(stderrText(result.stderr)).not.toContain("[redacted]")
  })

  it("include the values of misspelt flags whose name sounds secret, but not token file paths", () => {
    const found = secretArguments([
      "node",
      "bin.js",
      "run",
      "--apitoken=pat-typo-secret-1",
      "--smtp-pass",
      "hunter2-secret",
      "--api-token-file",
      "/run/secrets/token",
      "--secret-key",
      "run"
    ])
    expect(found).toEqual(expect.arrayContaining(["pat-typo-secret-1", "hunter2-secret"]))
    expect(found).not.toContain("/run/secrets/token")
    // Too short to be a secret: more likely a word of the command line, which redacting would garble.
    expect(found).not.toContain("run")
  })

  it("take a known secret flag's value whatever it looks like, and a misspelt one's that names a key", () => {
    const argv = (...args: ReadonlyArray<string>) => secretArguments(["node", "bin.js", ...args])
    // Known: short, or starting with a dash as a generated token may, it is still the secret.
    expect(argv("simulate", "--admin-token", "adm1")).toEqual(["adm1"])
    expect(argv("simulate", "--token", "rd1")).toEqual(["rd1"])
    expect(argv("run", "--api-token", "-Xk9pQ2w7")).toEqual(["-Xk9pQ2w7"])
    // A misspelt flag named for a key, as an API key is called elsewhere.
    expect(argv("run", "--api-key=ak-4f9c2e7b")).toEqual(["ak-4f9c2e7b"])
    // A blank value hides nothing: taken for a secret, every quoted blank would read [redacted].
    expect(argv("run", "--api-token", " ")).toEqual([])
  })

  it("are not quoted back when a misspelt secret flag is refused", async () => {
    const result = await runCli(["run", `--apitoken=${TOKEN}`])
    expect(result.code).toBe(2)
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
  })

  it("are not quoted back by a usage error of a command that does not take them", async () => {
    // verify takes a folder and no connection flags: the token after --api-token is a stray argument to it.
    const result = await runCli(["verify", "--api-token", TOKEN])
    expect(result.code).toBe(2)
    // The flag is refused where the folder was expected, and its value never reached.
    expect(stderrText(result.stderr)).toContain('The folder\'s name was given "--api-token", which is a flag')
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
    // In the --flag=value form the whole argument is taken for the folder, which the failure then names.
    const joined = await runCli(["verify", `--api-token=${TOKEN}`, "--log-level", "all"])
    expect(joined.code).toBe(2)
    expect(`${joined.stdout}${joined.stderr}`).not.toContain(TOKEN)
  })

  it("are not sent as a user id when given with one dash, as -name=value, in the id's place", async () => {
    // Nothing listens at the address: a request would fail as a connection error (exit 3), not as a usage error.
    const env = { PANTHER_API_URL: "http://127.0.0.1:9", PANTHER_API_TOKEN: "scripted-token" }
    const result = await runCli(["users", "get", `-api-token=${TOKEN}`], { env })
    expect(result.code, result.stderr).toBe(2)
    expect(stderrText(result.stderr)).toContain('The user id was given "-api-token=...", which is a flag')
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
  })

  it("nor are the token and passwords of the environment, pasted where a usage error quotes a value", async () => {
    // No request is sent: each of these is refused before the command starts, so the address is never used.
    const env = { PANTHER_API_URL: "http://127.0.0.1:9", PANTHER_API_TOKEN: TOKEN }
    for (const format of ["json", "pretty"]) {
      for (const args of [
        ["users", "list", "--format", TOKEN],
        ["users", "get", "some-id", TOKEN],
        ["users", "list", "--timeout-seconds", TOKEN],
        ["users", TOKEN]
      ]) {
        const result = await runCli([...args, "--log-format", format], { env })
        expect(result.code).toBe(2)
        expect(stderrText(result.stderr)).toContain("[redacted]")
        expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
      }
    }
    const password = "smtp-ENV-password-77aa"
    const mailed = await runCli(["users", "list", "--format", password], { env: { ...env, SMTP_PASSWORD: password } })
    expect(mailed.code).toBe(2)
    expect(`${mailed.stdout}${mailed.stderr}`).not.toContain(password)
  })

  it("of a few characters are hidden where a message quotes them, not in the message's own words", async () => {
    // A placeholder left in for the token: the refusal must still name the flags and the token in words.
    const simulator = await startSimulator({ users: 3 })
    try {
      const refused = await runCli(["users", "list", "--api-url", simulator.baseUrl, "--api-token", "token"])
      expect(refused.code).toBe(3)
      const said = stderrText(refused.stderr)
      expect(said).toContain("Panther refused the API token (401)")
      expect(said).toContain("Check the token given with --api-token, --api-token-file or PANTHER_API_TOKEN(_FILE)")
      expect(said).not.toContain("[redacted]")
    } finally {
      await simulator.close()
    }
    // Quoted back as a value, a short secret is still hidden.
    for (const args of [
      ["users", "list", "--api-token", "hunt2", "--format", "hunt2"],
      ["users", "get", "some-id", "hunt2", "--api-token", "hunt2"]
    ]) {
      const result = await runCli(args, { env: { PANTHER_API_URL: "http://127.0.0.1:9" } })
      expect(result.code).toBe(2)
      expect(stderrText(result.stderr)).toMatch(/["']\[redacted\]["']/)
      expect(`${result.stdout}${result.stderr}`).not.toContain("hunt2")
    }
  })

  it("nor is a secret pasted into the logging settings, which are read before any command", async () => {
    const password = "smtp-LOG-password-5b2d"
    for (const [env, args] of [
      [{ PANTHER_API_TOKEN: TOKEN }, ["run", "--log-level", TOKEN]],
      [{ PANTHER_API_TOKEN: TOKEN, LOG_FORMAT: TOKEN }, ["users", "list"]],
      [{}, ["run", "--api-token", TOKEN, `--log-format=${TOKEN}`]],
      [{ SMTP_PASSWORD: password, LOG_LEVEL: password }, ["run"]]
    ] as const) {
      const result = await runCli(args, { env })
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2)
      expect(stderrText(result.stderr)).toMatch(/must be (one of [a-z, ]+|json or pretty); got "\[redacted\]"/)
      expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
      expect(`${result.stdout}${result.stderr}`).not.toContain(password)
    }
  })

  it("nor are the token and password kept in files, pasted where a value goes", async () => {
    const directory = mkdtempSync(join(tmpdir(), "secret-files-"))
    try {
      const tokenFile = join(directory, "token")
      const passwordFile = join(directory, "smtp-password")
      writeFileSync(tokenFile, `\uFEFF${TOKEN}\n`)
      const password = "smtp-FILE-password-31cc"
      writeFileSync(passwordFile, `${password}\r\n`)
      // Refused before any request: the address is never used.
      const env = { PANTHER_API_URL: "http://127.0.0.1:9", SMTP_PASSWORD_FILE: passwordFile }
      for (const [tokenSource, args] of [
        [{ PANTHER_API_TOKEN_FILE: tokenFile }, ["run", "--policy", TOKEN]],
        [{ PANTHER_API_TOKEN_FILE: tokenFile }, ["schedule", "--report-dir", TOKEN]],
        [{}, ["users", "list", "--api-token-file", tokenFile, "--format", TOKEN]],
        [{}, ["run", `--api-token-file=${tokenFile}`, "--fail-on", TOKEN]],
        [{ PANTHER_API_TOKEN_FILE: tokenFile }, ["run", "--email", password]],
        [{ PANTHER_API_TOKEN_FILE: tokenFile }, ["schedule", "--cron", password]]
      ] as const) {
        for (const format of ["json", "pretty"]) {
          const result = await runCli([...args, "--log-format", format], { env: { ...env, ...tokenSource } })
          expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2)
          expect(stderrText(result.stderr)).toContain("[redacted]")
          expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
          expect(`${result.stdout}${result.stderr}`).not.toContain(password)
        }
      }
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
    // Twelve commands, each its own process: about 6 s on a quiet machine, over 30 s on a busy one.
  }, 120_000)

  it("nor is the password inside SMTP_URL, --smtp-url or a proxy variable, pasted alone where a value goes", async () => {
    const password = "relay-PW-9f3e@41"
    const encoded = encodeURIComponent(password)
    const env = { PANTHER_API_URL: "http://127.0.0.1:9", PANTHER_API_TOKEN: TOKEN }
    for (const [where, args] of [
      [{ SMTP_URL: `smtps://audit:${encoded}@mail.example` }, ["run", "--policy", password]],
      [{}, ["run", "--smtp-url", `smtps://audit:${encoded}@mail.example`, "--email", password]],
      [{ HTTPS_PROXY: `http://proxy-user:${encoded}@proxy.example:3128` }, ["users", "list", "--format", password]],
      [{ http_proxy: `proxy-user:${encoded}@proxy.example:3128` }, ["run", "--fail-on", encoded]]
    ] as const) {
      const result = await runCli(args, { env: { ...env, ...where } })
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2)
      expect(stderrText(result.stderr)).toContain("[redacted]")
      expect(`${result.stdout}${result.stderr}`).not.toContain(password)
      expect(`${result.stdout}${result.stderr}`).not.toContain(encoded)
    }
  })
})
