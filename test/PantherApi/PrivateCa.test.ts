/**
 * A Panther API behind a gateway or proxy whose certificate comes from a private CA: the command says what is wrong
 * with the certificate and how to trust the CA, and works once NODE_EXTRA_CA_CERTS names it.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer as createHttpsServer, Server as HttpsServer, type ServerOptions } from "node:https"
import { createServer as createNetServer, type Server as NetServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makePrivateCaCertificate, type PrivateCaCertificate } from "../Email/support/Certificate.js"
import { runCli } from "../support/cli.js"
import { makePrivateCa } from "../support/privateCa.js"

const TOKEN = "pat-private-ca-7c1d9e"

const scope = Effect.runSync(Scope.make())
let certificate: PrivateCaCertificate
let apiUrl: string
const server = createHttpsServer({}, (_request, response) => {
  response.writeHead(200, { "content-type": "application/json" })
  // One user: an unfiltered list that comes back empty is a failure of its own.
  const user = { id: "u1", email: "u1@example.com", givenName: "U", familyName: "One", role: {}, enabled: true }
  response.end(JSON.stringify({ results: [user] }))
})

beforeAll(async () => {
  certificate = await Effect.runPromise(makePrivateCaCertificate().pipe(Scope.extend(scope)))
  server.setSecureContext({ key: certificate.key, cert: certificate.cert })
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening))
  const address = server.address()
  apiUrl = `https://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
})

afterAll(async () => {
  await new Promise((closed) => server.close(closed))
  await Effect.runPromise(Scope.close(scope, Exit.void))
})

const listUsers = (env: Record<string, string> = {}) =>
  runCli(["users", "list"], { env: { PANTHER_API_URL: apiUrl, PANTHER_API_TOKEN: TOKEN, ...env } })

/** `users list`, once, against a server with this CA's certificate that demands a client certificate. */
const listUsersAgainstMutualTls = (maxVersion: "TLSv1.2" | "TLSv1.3") =>
  listUsersAgainstTls({
    maxVersion,
    requestCert: true,
    rejectUnauthorized: true,
    ca: readFileSync(certificate.caPath, "utf8")
  })

/** `users list`, once, against a server with this CA's certificate and these TLS settings. */
const listUsersAgainstTls = (settings: ServerOptions) =>
  listUsersAgainst(createHttpsServer({ key: certificate.key, cert: certificate.cert, ...settings }))

/** `users list`, once, against `server` on a free loopback port (this CA, or the one given, trusted), closed after. */
const listUsersAgainst = async (server: NetServer, caPath = certificate.caPath) => {
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening))
  try {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return await runCli(["users", "list", "--max-retries", "0"], {
      env: {
        PANTHER_API_URL: `https://127.0.0.1:${port}`,
        PANTHER_API_TOKEN: TOKEN,
        NODE_EXTRA_CA_CERTS: caPath
      }
    })
  } finally {
    // An HTTPS server keeps idle connections open, and its close would wait for them.
    if (server instanceof HttpsServer) server.closeAllConnections()
    await new Promise((closed) => server.close(closed))
  }
}

/** A TLS 1.1 ServerHello record (version 3.2, no session id, TLS_RSA_WITH_AES_128_CBC_SHA, no compression). */
const TLS_1_1_SERVER_HELLO = (() => {
  const hello = Buffer.concat([Buffer.from([0x03, 0x02]), Buffer.alloc(32, 7), Buffer.from([0x00, 0x00, 0x2f, 0x00])])
  const handshake = Buffer.concat([Buffer.from([0x02, 0x00, 0x00, hello.length]), hello])
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x02, 0x00, handshake.length]), handshake])
})()

const expectNoSharedTlsVersion = (result: { code: number | null; stdout: string; stderr: string }) => {
  expect(result.code).toBe(3)
  expect(result.stderr).toContain(
    "the TLS handshake failed as the server and this tool have no TLS version in common (EPROTO): most often a " +
      "server that speaks only TLS 1.1 or older"
  )
  expect(result.stderr).toContain("needs its TLS settings updated")
  expect(result.stderr).not.toContain("client certificate")
  expect(result.stderr).not.toContain("does not speak TLS")
  expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
}

describe("an API whose certificate a private CA signed", () => {
  it("fails saying the certificate is from a CA this machine does not trust, and to give it in NODE_EXTRA_CA_CERTS", async () => {
    const result = await listUsers()
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(
      "the server's certificate is not signed by a certificate authority this machine trusts"
    )
    expect(result.stderr).toContain("NODE_EXTRA_CA_CERTS=/path/to/ca.pem")
    expect(result.stderr).toContain("in the container, mount the file and set the variable")
    // A certificate fails the same way however long the client waits.
    expect(result.stderr).not.toContain("--timeout-seconds")
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
  })

  it("says a server that demands a client certificate (mutual TLS) wants what this tool does not send", async () => {
    const result = await listUsersAgainstMutualTls("TLSv1.3")
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(
      "the server asked for a client certificate (mutual TLS), which this tool does not send"
    )
    expect(result.stderr).toContain("ALERT_CERTIFICATE_REQUIRED")
    expect(result.stderr).toContain("The API must be reachable without a client certificate")
    // Its own certificate was fine: trusting another CA would not help.
    expect(result.stderr).not.toContain("server's certificate")
    expect(result.stderr).not.toContain("NODE_EXTRA_CA_CERTS")
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
  })

  it("says a certificate for another host name is so, and to mend --api-url, not to trust another CA", async () => {
    // Signed by a CA that is trusted, but for a name other than the 127.0.0.1 the URL gives.
    const other = makePrivateCa("api.example.test")
    try {
      const result = await listUsersAgainst(createHttpsServer({ key: other.key, cert: other.cert }), other.caPath)
      expect(result.code).toBe(3)
      expect(result.stderr).toContain(
        "the server's certificate is for another host name than the one in the URL (ERR_TLS_CERT_ALTNAME_INVALID)"
      )
      expect(result.stderr).toContain("use the host name the certificate is for")
      expect(result.stderr).not.toContain("NODE_EXTRA_CA_CERTS")
      expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
    } finally {
      other.remove()
    }
  })

  it("says a TLS 1.2 server that ends the handshake with an alert most likely wants a client certificate", async () => {
    // TLS 1.2 has no alert for a missing client certificate: the server sends "handshake failure", which Node gives
    // only the code EPROTO, as it gives a port that speaks no TLS.
    const result = await listUsersAgainstMutualTls("TLSv1.2")
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(
      "the server ended the TLS handshake with an alert (EPROTO), most likely because it wants a client " +
        "certificate (mutual TLS), which this tool does not send"
    )
    expect(result.stderr).toContain("The API must be reachable without a client certificate")
    // The scheme and port were right: the server spoke TLS.
    expect(result.stderr).not.toContain("does not speak TLS")
    expect(result.stderr).not.toContain("Check the scheme and port")
    expect(result.stderr).not.toContain("SSL alert number")
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
  })

  it("says a server that speaks only TLS 1.1 or older has no TLS version in common, not that it wants a certificate", async () => {
    const result = await listUsersAgainstTls({ minVersion: "TLSv1", maxVersion: "TLSv1.1" })
    expectNoSharedTlsVersion(result)
  })

  it("says so too of an old server that answers with TLS 1.1, ignoring the versions offered", async () => {
    // What a server from before TLS 1.3 does: it reads the ClientHello's TLS 1.2 and answers with its own older
    // version, which Node then refuses itself ("unsupported protocol", no alert), as EPROTO.
    const old = createNetServer((socket) => {
      socket.on("error", () => undefined)
      socket.once("data", () => socket.write(TLS_1_1_SERVER_HELLO))
    })
    expectNoSharedTlsVersion(await listUsersAgainst(old))
  })

  describe("when NODE_EXTRA_CA_CERTS is set but does not make the certificate trusted", () => {
    // Node ignores such a file without a word (or with a warning that does not say what to change), so the advice
    // to "give the CA in NODE_EXTRA_CA_CERTS" alone sent whoever had done so looking in the wrong place.
    let folder: string
    beforeAll(() => {
      folder = mkdtempSync(join(tmpdir(), "extra-ca-"))
    })
    afterAll(() => rmSync(folder, { recursive: true, force: true }))

    it("says a CA file given in DER, not PEM, holds no certificate Node reads, and how to convert it", async () => {
      const der = join(folder, "company-ca.cer")
      execFileSync("openssl", ["x509", "-in", certificate.caPath, "-outform", "der", "-out", der])
      const result = await listUsers({ NODE_EXTRA_CA_CERTS: der })
      expect(result.code).toBe(3)
      expect(result.stderr).toContain(`NODE_EXTRA_CA_CERTS names \\"${der}\\", which Node could not use:`)
      expect(result.stderr).toContain("holds no PEM certificate")
      expect(result.stderr).toContain("openssl x509 -inform der")
      expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN)
    })

    it("says a CA file that is not there cannot be read", async () => {
      const missing = join(folder, "not-mounted.pem")
      const result = await listUsers({ NODE_EXTRA_CA_CERTS: missing })
      expect(result.code).toBe(3)
      expect(result.stderr).toContain(`NODE_EXTRA_CA_CERTS names \\"${missing}\\", which Node could not use:`)
      expect(result.stderr).toContain("it cannot be read (it does not exist)")
    })

    it("says a folder of certificates, as SSL_CERT_DIR takes (/etc/ssl/certs), is a folder, not a file", async () => {
      const result = await listUsers({ NODE_EXTRA_CA_CERTS: folder })
      expect(result.code).toBe(3)
      expect(result.stderr).toContain(`NODE_EXTRA_CA_CERTS names \\"${folder}\\", which Node could not use:`)
      expect(result.stderr).toContain("it cannot be read (it is a folder, not a file)")
    })

    it("says a readable CA file holds no certificate that vouches for this server's", async () => {
      const other = makePrivateCa("elsewhere.test")
      try {
        const result = await listUsers({ NODE_EXTRA_CA_CERTS: other.caPath })
        expect(result.code).toBe(3)
        expect(result.stderr).toContain(
          `NODE_EXTRA_CA_CERTS names \\"${other.caPath}\\", but no certificate in it vouches for the server's`
        )
        expect(result.stderr).not.toContain("NODE_EXTRA_CA_CERTS=/path/to/ca.pem")
      } finally {
        other.remove()
      }
    })
  })

  it("keeps a certificate's advice when a page after the first meets one this machine does not trust", async () => {
    // Another certificate from the second connection on, as when a TLS-inspecting proxy takes over mid-list.
    const untrusted = makePrivateCa("localhost", "127.0.0.1")
    const user = { id: "u1", email: "u1@example.com", givenName: "U", familyName: "One", role: {}, enabled: true }
    const server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (_request, response) => {
      server.setSecureContext({ key: untrusted.key, cert: untrusted.cert })
      response.writeHead(200, { "content-type": "application/json", connection: "close" })
      response.end(JSON.stringify({ results: [user], next: "c1" }))
    })
    try {
      const result = await listUsersAgainst(server)
      expect(result.code).toBe(3)
      expect(result.stderr).toContain(
        "the server's certificate is not signed by a certificate authority this machine trusts"
      )
      // What to do about the certificate, not "run again": the connection did not fail by chance.
      expect(result.stderr).toContain(certificate.caPath)
      expect(result.stderr).toContain("but no certificate in it vouches for the server's")
      expect(result.stderr).not.toContain("the connection failed while the list was read")
    } finally {
      untrusted.remove()
    }
  })

  it("works once NODE_EXTRA_CA_CERTS names the CA's certificate", async () => {
    const result = await listUsers({ NODE_EXTRA_CA_CERTS: certificate.caPath })
    expect(result.stderr).not.toContain("certificate")
    expect(result.code).toBe(0)
  })
})
