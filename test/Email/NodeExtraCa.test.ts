/**
 * SMTP_CA_FILE adds to the CAs the mail connection trusts; it must not take away those NODE_EXTRA_CA_CERTS gives
 * (a company CA set once for the whole process). The built command against the simulator and an SMTPS server on
 * loopback whose certificate a private CA signed.
 */
import { execFileSync } from "node:child_process"
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ConfigProvider, Effect, Exit, Option, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { nodeExtraCaCertificates } from "../../src/Email/NodeExtraCa.js"
import { runEmailing } from "../support/cli.js"
import { type StartedSimulator, startSimulator } from "../support/simulator.js"
import {
  makePrivateCaCertificate,
  makeSelfSignedCertificate,
  type PrivateCaCertificate,
  type TestCertificate
} from "./support/Certificate.js"
import { startSmtpServer, type TestSmtpServer } from "./support/SmtpTestServer.js"

const scope = Effect.runSync(Scope.make())
let simulator: StartedSimulator
let smtp: TestSmtpServer
let companyCa: PrivateCaCertificate
/** A certificate that has nothing to do with the mail server: what SMTP_CA_FILE names in these runs. */
let unrelated: TestCertificate
let directory = ""

beforeAll(async () => {
  simulator = await startSimulator({ users: 20, seed: 9 })
  companyCa = await Effect.runPromise(Scope.extend(makePrivateCaCertificate(), scope))
  unrelated = await Effect.runPromise(Scope.extend(makeSelfSignedCertificate(), scope))
  smtp = await Effect.runPromise(
    Scope.extend(startSmtpServer({ tls: { key: companyCa.key, cert: companyCa.cert, implicit: true } }), scope)
  )
  directory = mkdtempSync(join(tmpdir(), "node-extra-ca-"))
})

afterAll(async () => {
  await simulator?.close()
  await Effect.runPromise(Scope.close(scope, Exit.void))
  rmSync(directory, { recursive: true, force: true })
})

const runMailing = (env: Record<string, string>) =>
  runEmailing(simulator, directory, `smtps://127.0.0.1:${smtp.port}`, env)

describe("SMTP with --smtp-ca-file", () => {
  it("still trusts the certificates NODE_EXTRA_CA_CERTS names", async () => {
    const before = smtp.received.length
    const result = await runMailing({ NODE_EXTRA_CA_CERTS: companyCa.caPath, SMTP_CA_FILE: unrelated.certPath })
    expect(result.code, result.stderr).toBe(0)
    expect(smtp.received).toHaveLength(before + 1)
    expect(smtp.received.at(-1)?.secure).toBe(true)
  })

  it("does not fail on a NODE_EXTRA_CA_CERTS that cannot be read, which Node already warned of", async () => {
    const before = smtp.received.length
    const result = await runMailing({
      NODE_EXTRA_CA_CERTS: join(directory, "no-such-ca.pem"),
      SMTP_CA_FILE: companyCa.caPath
    })
    expect(result.code, result.stderr).toBe(0)
    expect(smtp.received).toHaveLength(before + 1)
  })
})

describe("NODE_EXTRA_CA_CERTS read again for --smtp-ca-file", () => {
  it("is read only when it names a plain file: a pipe or device is passed over at once", async () => {
    const pipe = join(directory, "ca-pipe")
    execFileSync("mkfifo", [pipe])
    const readWith = (path: string) =>
      Effect.runPromise(
        nodeExtraCaCertificates.pipe(
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["NODE_EXTRA_CA_CERTS", path]]))),
          Effect.timeout("2 seconds"),
          Effect.option
        )
      )
    try {
      // A pipe no one writes to held the email for good; /dev/zero was read past half a gigabyte.
      for (const path of [pipe, "/dev/zero"]) expect(await readWith(path), path).toEqual(Option.some(undefined))
      expect(await readWith(companyCa.caPath)).toEqual(Option.some(readFileSync(companyCa.caPath, "utf8")))
    } finally {
      // A reader still waiting on the pipe gets its end, so nothing is left waiting after the test.
      try {
        closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK))
      } catch {
        // No reader waits.
      }
    }
  })
})
