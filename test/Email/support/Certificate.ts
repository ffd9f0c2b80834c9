/**
 * A self-signed certificate for 127.0.0.1 and localhost, made fresh for each test run with the openssl CLI, so
 * no private key is ever committed. It lives in a temporary directory removed with the scope.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, type Scope } from "effect"
import { makePrivateCa } from "../../support/privateCa.js"

export interface TestCertificate {
  readonly key: string
  readonly cert: string
  readonly certPath: string
}

export const makeSelfSignedCertificate = (): Effect.Effect<TestCertificate, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "smtp-cert-"))),
    (directory) => Effect.sync(() => rmSync(directory, { recursive: true, force: true }))
  ).pipe(
    Effect.map((directory) => {
      const keyPath = join(directory, "key.pem")
      const certPath = join(directory, "cert.pem")
      // openssl is on every CI image we use; without it this throws and the TLS tests fail loudly, not skip.
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          keyPath,
          "-out",
          certPath,
          "-days",
          "2",
          "-subj",
          "/CN=localhost",
          "-addext",
          "subjectAltName=DNS:localhost,IP:127.0.0.1"
        ],
        { stdio: "ignore" }
      )
      return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8"), certPath }
    })
  )

export interface PrivateCaCertificate extends TestCertificate {
  /** The CA's certificate, as a file: what NODE_EXTRA_CA_CERTS or SMTP_CA_FILE is given. */
  readonly caPath: string
}

/**
 * A private CA and a certificate for 127.0.0.1 and localhost it signed, as a company CA or a TLS-inspecting proxy
 * has: trusted only where the CA is given. Removed with the scope.
 */
export const makePrivateCaCertificate = (): Effect.Effect<PrivateCaCertificate, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => makePrivateCa("localhost", "127.0.0.1")),
      (ca) => Effect.sync(ca.remove)
    ),
    ({ key, cert, certPath, caPath }) => ({ key, cert, certPath, caPath })
  )
