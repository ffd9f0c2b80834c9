/**
 * A self-signed certificate for 127.0.0.1 and localhost, made fresh for each test run with the openssl CLI, so
 * no private key is ever committed. It lives in a temporary directory removed with the scope.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, type Scope } from "effect"

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
 * has: trusted only where the CA is given. Made fresh with the openssl CLI, removed with the scope.
 */
export const makePrivateCaCertificate = (): Effect.Effect<PrivateCaCertificate, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "private-ca-"))),
    (directory) => Effect.sync(() => rmSync(directory, { recursive: true, force: true }))
  ).pipe(
    Effect.map((directory) => {
      const file = (name: string) => join(directory, name)
      const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
      const openssl = (args: ReadonlyArray<string>) => execFileSync("openssl", args, { stdio: "ignore" })
      openssl([
        "req",
        "-x509",
        ...ecKey,
        "-keyout",
        file("ca.key"),
        "-out",
        file("ca.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=Test Private CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign"
      ])
      openssl(["req", ...ecKey, "-keyout", file("key.pem"), "-out", file("cert.csr"), "-subj", "/CN=localhost"])
      writeFileSync(file("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
      openssl([
        "x509",
        "-req",
        "-in",
        file("cert.csr"),
        "-CA",
        file("ca.pem"),
        "-CAkey",
        file("ca.key"),
        "-set_serial",
        "2",
        "-days",
        "2",
        "-extfile",
        file("ext.cnf"),
        "-out",
        file("cert.pem")
      ])
      return {
        key: readFileSync(file("key.pem"), "utf8"),
        cert: readFileSync(file("cert.pem"), "utf8"),
        certPath: file("cert.pem"),
        caPath: file("ca.pem")
      }
    })
  )
