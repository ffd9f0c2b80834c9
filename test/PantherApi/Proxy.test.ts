/**
 * Reaching Panther through an HTTP proxy, as a company container must: HTTPS_PROXY tunnels an https:// API with
 * CONNECT, HTTP_PROXY carries an http:// one in absolute form, NO_PROXY and loopback go around it.
 *
 * The parts are real: the simulator, an https front with a certificate from a private CA for `panther.test` (a
 * name that resolves nowhere, so a request that does not go through the proxy cannot reach it), and a small proxy
 * that sends every tunnel to that front, whatever host it is asked for, and every absolute-form request to the
 * simulator. The command runs as a user runs it, with NODE_EXTRA_CA_CERTS naming the private CA.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import { type AddressInfo, createServer as createTcpServer, type Socket, connect as tcpConnect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { jsonLogLines, runCli, stderrText } from "../support/cli.js"
import { makePrivateCa, type PrivateCa } from "../support/privateCa.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"

const API_HOST = "panther.test"
const PROXY_USER = "audit-bot"
const PROXY_PASSWORD = "pr0xy-SECRET-4c9e1a"
const READ_TOKEN = "read-SECRET-8d2f6b0a4e"

/** What the proxy saw, and how it is to behave. */
interface ProxyLog {
  tunnels: Array<{ readonly target: string; readonly authorization: string | undefined }>
  forwarded: Array<{ readonly url: string; readonly host: string | undefined; readonly authorization?: string }>
}

let simulator: StartedSimulator
let ca: PrivateCa
let front: Server
let proxy: Server
let proxyPort = 0
let frontPort = 0
/** The status the proxy answers CONNECT with instead of tunnelling; undefined to tunnel. */
let refuseWith: number | undefined
/** Whether the proxy wants `PROXY_USER` and `PROXY_PASSWORD`, as Basic. */
let wantsLogin = false
/** The Proxy-Authenticate header lines of its 407, each `Proxy-Authenticate: <value>`. */
let challenges = ['Basic realm="corp"']
/** Whether the proxy answers absolute-form requests with a 502 page that echoes their headers and its login. */
let echoesLogin = false
/** Whether Panther (the front) takes requests and never answers them. */
let frontHangs = false
let log: ProxyLog = { tunnels: [], forwarded: [] }
let reports = ""

const expectedLogin = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString("base64")}`

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)))

const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/** Passes a request on to the simulator, path and headers as they came. */
const toSimulator = (
  path: string,
  request: import("node:http").IncomingMessage,
  response: import("node:http").ServerResponse
) => {
  const onward = httpRequest(
    { host: "127.0.0.1", port: simulator.port, path, method: request.method, headers: request.headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    }
  )
  onward.on("error", () => response.destroy())
  request.pipe(onward)
}

beforeAll(async () => {
  simulator = await startSimulator({ users: 150, seed: 5, readToken: READ_TOKEN })
  ca = makePrivateCa(API_HOST)
  front = createHttpsServer({ key: ca.key, cert: ca.cert }, (request, response) => {
    if (!frontHangs) toSimulator(request.url ?? "/", request, response)
  })
  frontPort = await listen(front)
  proxy = createHttpServer((request, response) => {
    const authorization = request.headers["proxy-authorization"]
    log.forwarded.push({
      url: request.url ?? "",
      host: request.headers.host,
      ...(authorization ? { authorization } : {})
    })
    if (wantsLogin && authorization !== expectedLogin) {
      response.writeHead(407, { "content-type": "text/html", "proxy-authenticate": challenges })
      response.end("<html><head><title>Cache Access Denied</title></head><body>Log in first.</body></html>")
      return
    }
    if (echoesLogin) {
      const login = Buffer.from(authorization?.replace(/^Basic /, "") ?? "", "base64").toString("utf8")
      response.writeHead(502, { "content-type": "text/plain" })
      response.end(
        `Upstream unreachable. Proxy-Authorization: ${authorization} (user ${login.replace(":", ", password ")})`
      )
      return
    }
    const url = new URL(request.url ?? "/", "http://relative.invalid")
    toSimulator(url.pathname + url.search, request, response)
  })
  proxy.on("connect", (request, client, head) => {
    const authorization = request.headers["proxy-authorization"]
    log.tunnels.push({ target: request.url ?? "", authorization })
    const refusal = wantsLogin && authorization !== expectedLogin ? 407 : refuseWith
    if (refusal !== undefined) {
      const authenticate = challenges.map((challenge) => `Proxy-Authenticate: ${challenge}\r\n`).join("")
      client.end(`HTTP/1.1 ${refusal} Refused\r\n${authenticate}Content-Length: 0\r\n\r\n`)
      return
    }
    const upstream = tcpConnect(frontPort, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on("error", () => client.destroy())
    client.on("error", () => upstream.destroy())
  })
  proxyPort = await listen(proxy)
})

afterAll(async () => {
  await close(proxy)
  await close(front)
  await simulator.close()
  ca.remove()
})

beforeEach(() => {
  log = { tunnels: [], forwarded: [] }
  refuseWith = undefined
  wantsLogin = false
  challenges = ['Basic realm="corp"']
  echoesLogin = false
  frontHangs = false
})

const throughProxy = (overrides: Record<string, string | undefined> = {}) => ({
  PANTHER_API_URL: `https://${API_HOST}:${frontPort}`,
  PANTHER_API_TOKEN: READ_TOKEN,
  HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`,
  NODE_EXTRA_CA_CERTS: ca.caPath,
  ...overrides
})

const ids = (stdout: string): ReadonlyArray<string> =>
  stdout
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line).id)

const expectNoSecret = (output: string) => {
  expect(output).not.toContain(PROXY_PASSWORD)
  expect(output).not.toContain(encodeURIComponent(PROXY_PASSWORD))
  expect(output).not.toContain(expectedLogin)
  expect(output).not.toContain("SECRET")
}

describe("panther-audit through an HTTP proxy", () => {
  it("users list tunnels to an https:// API through HTTPS_PROXY and gets every user, on kept-alive tunnels", async () => {
    const result = await runCli(["users", "list", "--include-deactivated"], { env: throughProxy() })
    expect(result.code, result.stderr).toBe(0)
    const listed = ids(result.stdout)
    expect(listed).toHaveLength(simulator.userCount)
    expect(new Set(listed).size).toBe(simulator.userCount)
    expect(log.tunnels.length).toBeGreaterThan(0)
    for (const tunnel of log.tunnels) expect(tunnel.target).toBe(`${API_HOST}:${frontPort}`)
    // Three pages, and the roles: a tunnel serves more than one request, as a direct socket does.
    expect(log.tunnels.length).toBeLessThanOrEqual(2)
    expectNoSecret(result.stdout + result.stderr)
  })

  it("run audits every user through https_proxy, which wins over HTTPS_PROXY as in curl", async () => {
    reports = mkdtempSync(join(tmpdir(), "proxy-run-"))
    try {
      const result = await runCli(["run"], {
        env: throughProxy({
          https_proxy: `http://127.0.0.1:${proxyPort}`,
          // Nothing listens there: taking it would fail the run.
          HTTPS_PROXY: "http://127.0.0.1:9",
          AUDIT_REPORT_DIR: reports
        })
      })
      expect(result.code, result.stderr).toBe(0)
      const report = readdirSync(reports).find((file) => file.endsWith(".json")) ?? ""
      const run = JSON.parse(readFileSync(join(reports, report), "utf8")).run
      expect(JSON.stringify(run)).toContain(API_HOST)
      expect(log.tunnels.length).toBeGreaterThan(0)
      expectNoSecret(result.stdout + result.stderr)
    } finally {
      rmSync(reports, { recursive: true, force: true })
    }
  })

  it("sends the proxy URL's user name and password as Proxy-Authorization, and never prints them", async () => {
    wantsLogin = true
    const withLogin = await runCli(["users", "list"], {
      env: throughProxy({ HTTPS_PROXY: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxyPort}` })
    })
    expect(withLogin.code, withLogin.stderr).toBe(0)
    expect(ids(withLogin.stdout).length).toBeGreaterThan(0)
    expect(log.tunnels.every((tunnel) => tunnel.authorization === expectedLogin)).toBe(true)
    expectNoSecret(withLogin.stdout + withLogin.stderr)
  })

  it("says a proxy wants a login (407): where it is, and to put the credentials in the proxy URL", async () => {
    wantsLogin = true
    const none = await runCli(["users", "list"], { env: throughProxy() })
    expect(none.code).toBe(3)
    expect(none.stderr).toContain(`the proxy at 127.0.0.1:${proxyPort} (HTTPS_PROXY) wants a login (407`)
    expect(none.stderr).toContain(`HTTPS_PROXY=http://USER:PASSWORD@127.0.0.1:${proxyPort}`)
    // A refusal is not retried: asking again gets the same answer.
    expect(log.tunnels).toHaveLength(1)

    const wrong = await runCli(["users", "list"], {
      env: throughProxy({ HTTPS_PROXY: `http://${PROXY_USER}:wrong-${PROXY_PASSWORD}@127.0.0.1:${proxyPort}` })
    })
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toContain("did not accept the user name and password in HTTPS_PROXY (407")
    expectNoSecret(wrong.stdout + wrong.stderr)
  })

  it("keeps the token and the proxy's password out of the login schemes a 407 names, should a proxy echo them", async () => {
    // Proxy-Authenticate is the proxy's to write: one that echoes what it was sent puts a secret where a scheme's
    // name goes, and the message names the schemes.
    wantsLogin = true
    challenges = [`wrong-${PROXY_PASSWORD}`, READ_TOKEN]
    const basic = `http://${PROXY_USER}:wrong-${PROXY_PASSWORD}@127.0.0.1:${proxyPort}`
    const tunnelled = await runCli(["users", "list"], { env: throughProxy({ HTTPS_PROXY: basic }) })
    expect(tunnelled.code).toBe(3)
    expect(stderrText(tunnelled.stderr)).toContain(`the proxy at 127.0.0.1:${proxyPort} (HTTPS_PROXY) wants a`)
    expectNoSecret(tunnelled.stdout + tunnelled.stderr)

    // The proxy's own 407 to an http:// API's request, which carries the token to it.
    const plain = await runCli(["users", "list", "--allow-insecure-http"], {
      env: { PANTHER_API_URL: `http://${API_HOST}:${simulator.port}`, PANTHER_API_TOKEN: READ_TOKEN, HTTP_PROXY: basic }
    })
    expect(plain.code).toBe(3)
    expect(stderrText(plain.stderr)).toContain(`the proxy at 127.0.0.1:${proxyPort} (HTTP_PROXY) wants a`)
    expectNoSecret(plain.stdout + plain.stderr)
  })

  it("says a proxy that takes only NTLM or Negotiate logins wants one this tool cannot give", async () => {
    // A Windows domain's proxy: checking the password, as said of a Basic login refused, would not help. It refuses
    // any Basic login, as this one refuses a wrong one.
    wantsLogin = true
    challenges = ["Negotiate", "NTLM"]
    const basic = `http://${PROXY_USER}:wrong-${PROXY_PASSWORD}@127.0.0.1:${proxyPort}`
    const result = await runCli(["users", "list"], { env: throughProxy({ HTTPS_PROXY: basic }) })
    expect(result.code).toBe(3)
    const said = stderrText(result.stderr)
    expect(said).toContain(
      `the proxy at 127.0.0.1:${proxyPort} (HTTPS_PROXY) wants a Negotiate or NTLM login (407 Proxy Authentication ` +
        "Required), which this tool cannot give: it logs in to a proxy with Basic authentication only"
    )
    expect(said).not.toContain("check them")
    expectNoSecret(result.stdout + result.stderr)

    // The same of the proxy's own 407 to an http:// API's request, sent to it in absolute form.
    const plain = await runCli(["users", "list", "--allow-insecure-http"], {
      env: {
        PANTHER_API_URL: `http://${API_HOST}:${simulator.port}`,
        PANTHER_API_TOKEN: READ_TOKEN,
        HTTP_PROXY: basic
      }
    })
    expect(plain.code).toBe(3)
    expect(stderrText(plain.stderr)).toContain(
      `the proxy at 127.0.0.1:${proxyPort} (HTTP_PROXY) wants a Negotiate or NTLM login (407`
    )
    expectNoSecret(plain.stdout + plain.stderr)
  })

  it("names the proxy when it refuses the tunnel (403) or cannot reach Panther (502, retried)", async () => {
    refuseWith = 403
    const forbidden = await runCli(["users", "list", "--max-retries", "1"], { env: throughProxy() })
    expect(forbidden.code).toBe(3)
    expect(forbidden.stderr).toContain(
      `the proxy at 127.0.0.1:${proxyPort} (HTTPS_PROXY) refused to open a tunnel to ${API_HOST}:${frontPort} (403`
    )
    expect(log.tunnels).toHaveLength(1)

    refuseWith = 502
    log.tunnels = []
    const badGateway = await runCli(["users", "list", "--max-retries", "1"], { env: throughProxy() })
    expect(badGateway.code).toBe(3)
    expect(badGateway.stderr).toContain(`could not reach ${API_HOST}:${frontPort} (502 Bad Gateway)`)
    expect(badGateway.stderr).toContain("after 2 attempts")
    expect(log.tunnels).toHaveLength(2)
  })

  it("says which proxy could not be reached, after retrying as for an unreachable API", async () => {
    const closed = createHttpServer()
    const port = await listen(closed)
    await close(closed)
    const result = await runCli(["users", "list", "--max-retries", "1"], {
      env: throughProxy({ HTTPS_PROXY: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${port}` })
    })
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(`connecting to the proxy at 127.0.0.1:${port} (HTTPS_PROXY) failed`)
    expect(result.stderr).toContain("ECONNREFUSED")
    expect(result.stderr).toContain("after 2 attempts")
    expectNoSecret(result.stdout + result.stderr)
  })

  it.each([
    ["never answers CONNECT", "silent", "took the connection but did not answer the request for a tunnel to"],
    ["answers CONNECT, then sends no TLS", "no-tls", "opened a tunnel to"],
    // An https:// proxy written as http://, or another service on its port: connecting worked, so saying it failed
    // sent whoever read it to check that the proxy was running.
    [
      "closes the connection without answering CONNECT",
      "hung-up",
      "closed the connection without answering the request for a tunnel to"
    ]
  ] as const)(
    "blames a proxy that %s, and retries even a create, since nothing reached Panther",
    async (_case, mode, says) => {
      const held: Array<Socket> = []
      let connects = 0
      const silent = createTcpServer((socket) => {
        held.push(socket)
        socket.on("error", () => undefined)
        socket.once("data", () => {
          connects += 1
          if (mode === "no-tls") socket.write("HTTP/1.1 200 Connection Established\r\n\r\n")
          if (mode === "hung-up") socket.destroy()
        })
      })
      const port = await new Promise<number>((resolve) =>
        silent.listen(0, "127.0.0.1", () => resolve((silent.address() as AddressInfo).port))
      )
      try {
        const env = throughProxy({ HTTPS_PROXY: `http://127.0.0.1:${port}` })
        const timing = ["--timeout-seconds", "1", "--max-retries", "1"]
        const read = await runCli(["users", "list", ...timing], { env })
        const create = await runCli(
          ["users", "create", "--email", "hang@acme.example", "--given-name", "H", "--family-name", "G"].concat([
            "--role",
            "Analyst",
            ...timing
          ]),
          { env }
        )
        for (const [result, request] of [
          [read, "GET /users"],
          [create, "POST /users"]
        ] as const) {
          const said = stderrText(result.stderr)
          expect(result.code, said).toBe(3)
          expect(said).toContain(`Could not get an answer from Panther for ${request} after 2 attempts`)
          expect(said).toContain(`the proxy at 127.0.0.1:${port} (HTTPS_PROXY) ${says} ${API_HOST}:${frontPort}`)
          expect(said).toContain("nothing reached Panther")
          expect(said).not.toContain("may already have been made")
          expect(said).not.toContain("could not check whether")
        }
        // Each tried twice: the create too, as it never left this machine.
        expect(connects).toBe(4)
        expect(log.tunnels).toHaveLength(0)
      } finally {
        for (const socket of held) socket.destroy()
        silent.close()
      }
    }
  )

  it("still counts a create as maybe made when Panther, past a working tunnel, does not answer in time", async () => {
    frontHangs = true
    const result = await runCli(
      ["users", "create", "--email", "slow@acme.example", "--given-name", "S", "--family-name", "L"].concat([
        "--role",
        "Analyst",
        "--timeout-seconds",
        "1",
        "--max-retries",
        "1"
      ]),
      { env: throughProxy() }
    )
    const said = stderrText(result.stderr)
    expect(result.code, said).toBe(3)
    expect(said).toContain("Could not get an answer from Panther for POST /users: no answer within 1s")
    expect(said).toContain("may already have been made")
    expect(said).not.toContain("nothing reached Panther")
  })

  it("goes around the proxy for a host NO_PROXY names", async () => {
    const result = await runCli(["users", "list", "--max-retries", "0"], {
      env: throughProxy({ NO_PROXY: `localhost, .${API_HOST.split(".")[1]}` })
    })
    // Straight to panther.test, which resolves nowhere.
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/did not resolve|ENOTFOUND|EAI_AGAIN/)
    expect(result.stderr).not.toContain("proxy at")
    expect(log.tunnels).toHaveLength(0)
  })

  it("goes around the proxy for a host NO_PROXY names in Unicode, which the URL gives in ASCII", async () => {
    const result = await runCli(["users", "list", "--max-retries", "0"], {
      env: throughProxy({
        PANTHER_API_URL: `https://api.bücher.test:${frontPort}`,
        NO_PROXY: "localhost, BÜCHER.test"
      })
    })
    // Straight to api.xn--bcher-kva.test, which resolves nowhere.
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/did not resolve|ENOTFOUND|EAI_AGAIN/)
    expect(result.stderr).not.toContain("proxy at")
    expect(log.tunnels).toHaveLength(0)
  })

  it("ignores a NO_PROXY entry that names no host, and says so once, naming it", async () => {
    const result = await runCli(["users", "list", "--max-retries", "0", "--log-format", "json"], {
      env: throughProxy({ NO_PROXY: "bü cher.test, other.test" })
    })
    expect(result.code, result.stderr).toBe(0)
    expect(log.tunnels.length).toBeGreaterThan(0)
    const warnings = jsonLogLines(result.stderr).filter((line) => line.logLevel === "WARN")
    expect(warnings.map((line) => line.message)).toEqual([
      expect.stringContaining('NO_PROXY entry "bü cher.test" is ignored: it names no host')
    ])
  })

  it("says once that ALL_PROXY is not read, and that SOCKS is not supported, without the proxy's password", async () => {
    for (const [variable, value, says] of [
      ["ALL_PROXY", `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxyPort}`, "this tool does not read it"],
      ["all_proxy", `socks5://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:1080`, "which this tool does not support"]
    ] as const) {
      const result = await runCli(["users", "list", "--max-retries", "0", "--log-format", "json"], {
        env: throughProxy({ HTTPS_PROXY: undefined, [variable]: value })
      })
      // Straight to panther.test, which resolves nowhere: ALL_PROXY was not used.
      expect(result.code, variable).toBe(3)
      const warnings = jsonLogLines(result.stderr).filter(
        (line) => line.logLevel === "WARN" && String(line.message).startsWith(variable)
      )
      expect(warnings, variable).toHaveLength(1)
      expect(String(warnings[0]?.message), variable).toContain(says)
      expect(String(warnings[0]?.message), variable).toContain("it reads only HTTPS_PROXY / HTTP_PROXY")
      expectNoSecret(result.stdout + result.stderr)
      expect(result.stderr).not.toContain(PROXY_USER)
    }
    expect(log.tunnels).toHaveLength(0)
    expect(log.forwarded).toHaveLength(0)
  })

  it("never sends loopback through a proxy: the simulator on 127.0.0.1 is reached directly", async () => {
    const result = await runCli(["users", "list"], {
      env: {
        PANTHER_API_URL: simulator.baseUrl,
        PANTHER_API_TOKEN: READ_TOKEN,
        HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
        HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`
      }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(ids(result.stdout).length).toBeGreaterThan(0)
    expect(log.tunnels).toHaveLength(0)
    expect(log.forwarded).toHaveLength(0)
  })

  it("asks an http:// API through HTTP_PROXY in absolute form, with the proxy's login", async () => {
    const apiUrl = `http://${API_HOST}:${simulator.port}`
    const result = await runCli(["users", "list", "--include-deactivated", "--allow-insecure-http"], {
      env: {
        PANTHER_API_URL: apiUrl,
        PANTHER_API_TOKEN: READ_TOKEN,
        HTTP_PROXY: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxyPort}`
      }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(ids(result.stdout)).toHaveLength(simulator.userCount)
    expect(log.forwarded.length).toBeGreaterThan(0)
    for (const request of log.forwarded) {
      expect(request.url.startsWith(`${apiUrl}/`)).toBe(true)
      expect(request.host).toBe(`${API_HOST}:${simulator.port}`)
      expect(request.authorization).toBe(expectedLogin)
    }
    expectNoSecret(result.stdout + result.stderr)
  })

  it("reads a proxy password chosen as a word nowhere in the users' data: only the token is looked for there", async () => {
    // "analyst", the password, is also the start of role names the simulator gives: they are not the password.
    const result = await runCli(["users", "list", "--format", "ndjson", "--allow-insecure-http"], {
      env: {
        PANTHER_API_URL: `http://${API_HOST}:${simulator.port}`,
        PANTHER_API_TOKEN: READ_TOKEN,
        HTTP_PROXY: `http://${PROXY_USER}:analyst@127.0.0.1:${proxyPort}`
      }
    })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('"name":"Analyst"')
    expect(result.stdout).not.toContain("[redacted]")
    expect(result.stderr).not.toContain("held the API token")
  })

  it("says a 407 to an http:// API's request came from the proxy, not Panther, and what its login needs", async () => {
    wantsLogin = true
    const apiUrl = `http://${API_HOST}:${simulator.port}`
    const run = (proxyUrl: string) =>
      runCli(["users", "list", "--allow-insecure-http"], {
        env: { PANTHER_API_URL: apiUrl, PANTHER_API_TOKEN: READ_TOKEN, HTTP_PROXY: proxyUrl }
      })
    const none = await run(`http://127.0.0.1:${proxyPort}`)
    expect(none.code).toBe(3)
    const said = stderrText(none.stderr)
    expect(said).toContain(`the proxy at 127.0.0.1:${proxyPort} (HTTP_PROXY) wants a login (407`)
    expect(said).toContain(`HTTP_PROXY=http://USER:PASSWORD@127.0.0.1:${proxyPort}`)
    expect(said).not.toContain("Panther rejected")
    expect(said).not.toContain("Panther said")
    // A refusal is not retried: asking again gets the same answer.
    expect(log.forwarded).toHaveLength(1)

    const wrong = await run(`http://${PROXY_USER}:wrong-${PROXY_PASSWORD}@127.0.0.1:${proxyPort}`)
    expect(wrong.code).toBe(3)
    expect(stderrText(wrong.stderr)).toContain(
      `the proxy at 127.0.0.1:${proxyPort} (HTTP_PROXY) did not accept the user name and password in HTTP_PROXY (407`
    )
    expectNoSecret(wrong.stdout + wrong.stderr)
  })

  it("keeps the proxy's login out of what it quotes from a proxy's error page", async () => {
    echoesLogin = true
    const result = await runCli(["users", "list", "--allow-insecure-http", "--max-retries", "0"], {
      env: {
        PANTHER_API_URL: `http://${API_HOST}:${simulator.port}`,
        PANTHER_API_TOKEN: READ_TOKEN,
        HTTP_PROXY: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxyPort}`
      }
    })
    expect(result.code, result.stderr + result.stdout).toBe(3)
    expect(result.stderr).toContain("(502)")
    expectNoSecret(result.stdout + result.stderr)
  })

  it("never quotes a password whose ?, # or / was left unencoded, and connects nowhere with such a URL", async () => {
    // A decoy where the misread URL would point: `http://127.0.0.1:<decoy>#...@...` parses as that host and port.
    let decoyConnections = 0
    const decoy = createHttpServer()
    decoy.on("connection", (socket) => {
      decoyConnections += 1
      socket.destroy()
    })
    const decoyPort = await listen(decoy)
    try {
      for (const [value, password, says] of [
        [`http://alice:Winter?7193@127.0.0.1:${proxyPort}`, "Winter?7193", "query (?) or fragment (#)"],
        [`http://alice:Hunter2#xQz9@127.0.0.1:${proxyPort}`, "Hunter2#xQz9", "query (?) or fragment (#)"],
        [`http://127.0.0.1:${decoyPort}#Tr0ub4dor@127.0.0.1:${proxyPort}`, "Tr0ub4dor", "query (?) or fragment (#)"],
        [`http://127.0.0.1:${decoyPort}/Tr0ub4dor@127.0.0.1:${proxyPort}`, "Tr0ub4dor", "an @ after the host"],
        [`http://alice:Sq7k/Vw3p?x@127.0.0.1:${proxyPort}`, "Sq7k/Vw3p", "query (?) or fragment (#)"],
        [`http://alice:Sq7k/Vw3p@127.0.0.1:${proxyPort}`, "Sq7k/Vw3p", "is not a proxy URL"]
      ] as const) {
        const result = await runCli(["users", "list", "--max-retries", "0"], {
          env: throughProxy({ HTTPS_PROXY: value })
        })
        const printed = result.stdout + result.stderr
        expect(result.code, value).toBe(2)
        expect(printed, value).toContain(`HTTPS_PROXY \\"http://127.0.0.1:${proxyPort}\\" (its user name, password`)
        expect(printed, value).toContain(says)
        expect(printed, value).toContain("? as %3F, # as %23, @ as %40, : as %3A, / as %2F")
        for (const part of [password, ...password.split(/[?#/]/)]) expect(printed, value).not.toContain(part)
        expect(printed, value).not.toContain("alice")
        expect(printed, value).not.toContain(`127.0.0.1:${decoyPort}`)
      }
      expect(log.tunnels).toHaveLength(0)
      expect(decoyConnections).toBe(0)
    } finally {
      await close(decoy)
    }
  })

  it("refuses a proxy URL it cannot use before sending anything, naming the variable but not its password", async () => {
    for (const [value, says] of [
      [
        `socks5://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:1080`,
        "HTTPS_PROXY names the proxy socks5://127.0.0.1:1080, which this tool cannot use"
      ],
      [
        `https://${PROXY_USER}:${PROXY_PASSWORD}@proxy.example.com:3128`,
        "HTTPS_PROXY names the proxy https://proxy.example.com:3128"
      ],
      [`http://${PROXY_USER}:${PROXY_PASSWORD}@proxy example.com:3128`, "HTTPS_PROXY"],
      [`http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:0`, "names port 0, which no proxy listens on"]
    ] as const) {
      const result = await runCli(["users", "list"], { env: throughProxy({ HTTPS_PROXY: value }) })
      expect(result.code, value).toBe(2)
      expect(result.stderr, value).toContain(says)
      expectNoSecret(result.stdout + result.stderr)
      expect(result.stderr).not.toContain(PROXY_USER)
    }
    expect(log.tunnels).toHaveLength(0)
  })
})
