import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { isLoopbackHost, normaliseBaseUrl } from "../../src/PantherApi/Connection.js"
import { runCli } from "../support/cli.js"

const normalised = (raw: string, allowInsecureHttp = false) =>
  Either.getOrThrowWith(normaliseBaseUrl(raw, { allowInsecureHttp }), (error) => new Error(error.message))

const refusal = (raw: string, allowInsecureHttp = false) =>
  Either.match(normaliseBaseUrl(raw, { allowInsecureHttp }), {
    onLeft: (error) => error.message,
    onRight: (url) => `accepted as ${url}`
  })

describe("normaliseBaseUrl", () => {
  it("strips a trailing slash and the legacy /public/graphql suffix", () => {
    expect(normalised("https://api.acme.runpanther.net")).toBe("https://api.acme.runpanther.net")
    expect(normalised("https://api.acme.runpanther.net/")).toBe("https://api.acme.runpanther.net")
    expect(normalised("  https://api.acme.runpanther.net//  ")).toBe("https://api.acme.runpanther.net")
    expect(normalised("https://api.acme.runpanther.net/public/graphql")).toBe("https://api.acme.runpanther.net")
    expect(normalised("https://api.acme.runpanther.net/public/graphql/")).toBe("https://api.acme.runpanther.net")
  })

  it("keeps a path prefix and a port", () => {
    expect(normalised("https://gateway.example.com:8443/panther/")).toBe("https://gateway.example.com:8443/panther")
    expect(normalised("https://gateway.example.com/panther/public/graphql")).toBe("https://gateway.example.com/panther")
    // A slash doubled before the suffix: left at the end, every request would go to `/panther//users`.
    expect(normalised("https://gateway.example.com/panther//public/graphql")).toBe(
      "https://gateway.example.com/panther"
    )
  })

  it("refuses the address of an endpoint, whose path every request would repeat, naming the base URL", () => {
    expect(refusal("https://api.acme.runpanther.net/users")).toBe(
      '--api-url / PANTHER_API_URL "https://api.acme.runpanther.net/users" ends in /users, a path this tool adds ' +
        "itself (the requests would go to /users/users): give the base URL, https://api.acme.runpanther.net."
    )
    expect(refusal("https://gateway.example.com/panther/Users/")).toContain(
      "give the base URL, https://gateway.example.com/panther."
    )
    expect(refusal("http://127.0.0.1:4010/roles")).toContain("ends in /roles")
    expect(normalised("https://gateway.example.com/users-api")).toBe("https://gateway.example.com/users-api")
  })

  it("refuses one user's or role's address, pasted from a curl line, naming the base URL", () => {
    expect(refusal("https://api.acme.runpanther.net/users/dc701fbd-b042-43eb-871f-59896874278f")).toBe(
      '--api-url / PANTHER_API_URL "https://api.acme.runpanther.net/users/dc701fbd-b042-43eb-871f-59896874278f" ends ' +
        "in /users/dc701fbd-b042-43eb-871f-59896874278f, the address of one user: this tool adds the paths itself " +
        "(the requests would go to /users/dc701fbd-b042-43eb-871f-59896874278f/users): give the base URL, " +
        "https://api.acme.runpanther.net."
    )
    expect(refusal("https://gateway.example.com/panther/USERS/u-1/")).toContain(
      "give the base URL, https://gateway.example.com/panther."
    )
    expect(refusal("http://127.0.0.1:4010/roles/r-admin")).toContain("the address of one role")
    // A mount that only holds the word, or goes on past it, is a mount.
    expect(normalised("https://gateway.example.com/users-api/prod")).toBe("https://gateway.example.com/users-api/prod")
    expect(normalised("https://gateway.example.com/users/acme/panther")).toBe(
      "https://gateway.example.com/users/acme/panther"
    )
  })

  it("allows plain http to loopback hosts only", () => {
    expect(normalised("http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010")
    expect(normalised("http://127.8.9.10")).toBe("http://127.8.9.10")
    expect(normalised("http://localhost:4010/")).toBe("http://localhost:4010")
    expect(normalised("http://[::1]:4010")).toBe("http://[::1]:4010")
    expect(refusal("http://api.acme.runpanther.net")).toContain(
      "plain http, which would send the API token unencrypted"
    )
    expect(refusal("http://10.0.0.5:4010")).toContain("--allow-insecure-http")
    expect(refusal("http://128.0.0.1")).toContain("plain http")
    expect(normalised("http://simulator:4010", true)).toBe("http://simulator:4010")
  })

  it("refuses what is not a usable URL, saying why", () => {
    expect(refusal("")).toContain("is empty")
    expect(refusal("api.acme.runpanther.net")).toContain("did you mean https://api.acme.runpanther.net")
    expect(refusal("https://")).toContain("not a valid URL")
    expect(refusal("ftp://api.acme.runpanther.net")).toContain("must be https://")
    expect(refusal("https://api.acme.runpanther.net/?x=1")).toContain("query string")
    expect(refusal("https://user:hunter2@api.acme.runpanther.net")).toContain(
      "must not contain a user name or password"
    )
    expect(refusal("https://user:hunter2@api.acme.runpanther.net")).not.toContain("hunter2")
  })

  it("does not quote a password or query of a URL it cannot use, even one that does not parse", () => {
    const badPort = refusal("https://user:SECRET-1@api.acme.example:99999")
    expect(badPort).toContain("must not contain a user name or password")
    const unparsed = refusal("https://api.acme.example:99999/?api_key=SECRET-4")
    expect(unparsed).toContain(
      '"https://api.acme.example:99999/" (its user name, password or query not shown) names port 99999'
    )
    const noScheme = refusal("api.acme.runpanther.net/?api_key=SECRET-2")
    expect(noScheme).toContain("did you mean https://api.acme.runpanther.net/ ?")
    const noSchemeWithUser = refusal("bob:SECRET-3@api.acme.runpanther.net")
    expect(noSchemeWithUser).toContain("did you mean https://api.acme.runpanther.net ?")
    // The host left out of `user:password@host`: the password stands where the port goes, and the URL does not parse.
    const noHost = refusal("https://bob:SECRET-5")
    expect(noHost).toContain("is not a valid URL")
    expect(noHost).not.toContain("port")
    // A host of one word, as a compose service is named, does not read as an address: the port is said, not quoted.
    const serviceName = refusal("http://simulator:70000")
    expect(serviceName).toContain(
      "is not a valid URL: the number after its last colon, if it is meant as the port, is past 65535, the highest port there is; expected https://api.<instance-domain>."
    )
    expect(serviceName).not.toContain("70000")
    for (const message of [badPort, unparsed, noScheme, noSchemeWithUser, noHost]) {
      expect(message).not.toMatch(/SECRET|bob/)
    }
    // With no scheme and no host name in it, it may be the token itself, the two variables swapped.
    for (const token of ["pat-5f0c1e9a7b3d4e2f8a6c0b1d9e7f3a25", "5f0c1e9a7b3d4e2f8a6c0b1d9e7f3a25", "a/b+c=="]) {
      const message = refusal(token)
      expect(message).toContain("has no scheme, and does not read as an address: it is not shown")
      expect(message).not.toContain(token)
    }
    expect(refusal("localhost:4010")).toContain("did you mean https://localhost:4010 ?")
    expect(refusal("10.0.0.7/panther")).toContain("did you mean https://10.0.0.7/panther ?")
  })

  it("never quotes a password whose ?, # or / was left unencoded, and connects nowhere with such a URL", async () => {
    // Where the misread URL would point: `https://127.0.0.1:<port>#...@host` parses as that host and port.
    let connections = 0
    const decoy = createServer((socket) => {
      connections += 1
      socket.destroy()
    })
    const port = await new Promise<number>((resolve) =>
      decoy.listen(0, "127.0.0.1", () => resolve(Number(Reflect.get(decoy.address() ?? {}, "port"))))
    )
    try {
      for (const apiUrl of [
        "https://alice:Winter?7193@api.acme.example",
        "https://alice:Hunter2#xQz9@api.acme.example",
        `https://127.0.0.1:${port}#Tr0ub4dor@api.acme.example`,
        `https://127.0.0.1:${port}/Tr0ub4dor@api.acme.example`
      ]) {
        const result = await runCli(["users", "list", "--max-retries", "0"], {
          env: { PANTHER_API_URL: apiUrl, PANTHER_API_TOKEN: "pat-unused" }
        })
        const printed = result.stdout + result.stderr
        expect(result.code, apiUrl).toBe(2)
        expect(printed, apiUrl).toContain("must not contain a user name or password")
        expect(printed, apiUrl).not.toMatch(/alice|Winter|7193|Hunter2|xQz9|Tr0ub4dor/)
        expect(printed, apiUrl).not.toContain(`127.0.0.1:${port}`)
      }
      expect(connections).toBe(0)
    } finally {
      decoy.close()
    }
  })

  it("refuses port 0, which no server listens on, at start and with exit code 2", async () => {
    expect(refusal("https://example.panther.io:0")).toBe(
      '--api-url / PANTHER_API_URL "https://example.panther.io:0" names port 0, which no server listens on: give ' +
        "the port the API listens on, or leave the port out (443 for https://)."
    )
    expect(refusal("http://127.0.0.1:0/panther")).toContain("names port 0")
    expect(refusal("http://127.0.0.1:0/panther")).toContain("(80 for http://)")
    for (const [args, env] of [
      [["--api-url", "https://example.panther.io:0"], {}],
      [[], { PANTHER_API_URL: "https://example.panther.io:00/" }]
    ] as const) {
      const result = await runCli(["users", "list", ...args], { env: { PANTHER_API_TOKEN: "pat-unused", ...env } })
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toContain("--api-url / PANTHER_API_URL")
      expect(result.stderr).toContain("names port 0, which no server listens on")
    }
  })

  it("refuses a port past 65535 saying so, where it said only that the URL was not valid", async () => {
    expect(refusal("https://example.panther.io:443000")).toBe(
      '--api-url / PANTHER_API_URL "https://example.panther.io:443000" names port 443000, which no server listens on: ' +
        "ports go from 1 to 65535. Give the port the API listens on, or leave the port out (443 for https://)."
    )
    expect(refusal("http://127.0.0.1:65536/panther")).toContain('"http://127.0.0.1:65536/panther" names port 65536')
    expect(refusal("http://127.0.0.1:65535/panther")).toBe("accepted as http://127.0.0.1:65535/panther")
    // No @ shows it a port: a token put after the host name may stand there, and is not quoted.
    expect(refusal("https://pat:98765432109876")).not.toContain("98765432109876")
    const result = await runCli(["users", "list", "--api-url", "https://example.panther.io:80800"], {
      env: { PANTHER_API_TOKEN: "pat-unused" }
    })
    expect(result.code, result.stderr).toBe(2)
    expect(result.stderr).toContain("names port 80800, which no server listens on: ports go from 1 to 65535")
  })

  it("refuses a host that is no host name or address at start, where a schedule would meet it at its first tick", async () => {
    for (const host of ["api.-acme.example", "api..acme.example", "-api.acme.example", "api.acme-.example"]) {
      expect(refusal(`https://${host}/`), host).toBe(
        `--api-url / PANTHER_API_URL "https://${host}": "${host}" is not a host name or IP address: a host name is ` +
          "letters, digits, hyphens and underscores between dots (no spaces, no hyphen at either end of a part, no " +
          "empty part), an IPv4 address four numbers of 0 to 255, an IPv6 address goes in brackets ([2001:db8::25])."
      )
    }
    // An underscore too: Docker's resolver answers for a compose service named so.
    for (const url of [
      "https://api.acme.runpanther.net",
      "https://xn--bcher-kva.example",
      "http://[::1]:4010",
      "https://panther_api.internal"
    ]) {
      expect(Either.isRight(normaliseBaseUrl(url, { allowInsecureHttp: false })), url).toBe(true)
    }
    const reports = mkdtempSync(join(tmpdir(), "api-url-host-"))
    try {
      // Without the check, the schedule starts and waits for 02:00; stopped after 8 s, it would exit 143.
      const result = await runCli(["schedule", "--report-dir", reports], {
        env: { PANTHER_API_URL: "https://api..acme.example", PANTHER_API_TOKEN: "pat-unused" },
        stopAfterMs: 8_000
      })
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toContain('\\"api..acme.example\\" is not a host name or IP address')
    } finally {
      rmSync(reports, { recursive: true, force: true })
    }
  })

  it("knows its loopback hosts", () => {
    expect(["localhost", "127.0.0.1", "127.255.0.1", "[::1]"].every(isLoopbackHost)).toBe(true)
    expect(["example.com", "10.0.0.1", "127.0.0.1.nip.io", "localhost.example.com"].some(isLoopbackHost)).toBe(false)
  })

  it("refuses plain http to a name under .localhost, which Node looks up in DNS like any other", () => {
    // Not this machine for certain: Node's resolver does not keep these names to loopback, and a search domain or
    // a wildcard record can take one elsewhere, with the token in clear text.
    expect(isLoopbackHost("app.localhost")).toBe(false)
    expect(refusal("http://app.localhost:4010")).toContain("plain http, which would send the API token unencrypted")
  })
})
