/**
 * A private certificate authority and a server certificate it signed for the names given, made fresh with the
 * openssl CLI, so no private key is ever committed. A process that should trust the server gets
 * `NODE_EXTRA_CA_CERTS=<caPath>` (or the mail's `SMTP_CA_FILE`), as a company's own CA is given in a container.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { isIP } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface PrivateCa {
  /** The CA's certificate, as a file. */
  readonly caPath: string
  readonly key: string
  readonly cert: string
  /** The server certificate, as a file. */
  readonly certPath: string
  readonly remove: () => void
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

/** `names`: host names and IP addresses the server certificate is for; the first is its common name. */
export const makePrivateCa = (...names: ReadonlyArray<string>): PrivateCa => {
  const directory = mkdtempSync(join(tmpdir(), "private-ca-"))
  const at = (name: string) => join(directory, name)
  const openssl = (args: ReadonlyArray<string>) => execFileSync("openssl", args, { stdio: "ignore" })
  openssl([
    "req",
    "-x509",
    ...EC_KEY,
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=panther-user-audit test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign"
  ])
  openssl([
    "req",
    ...EC_KEY,
    "-keyout",
    at("server.key"),
    "-out",
    at("server.csr"),
    "-subj",
    `/CN=${names[0] ?? "localhost"}`
  ])
  const altNames = names.map((name) => (isIP(name) === 0 ? `DNS:${name}` : `IP:${name}`)).join(",")
  writeFileSync(at("server.ext"), `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth\n`)
  openssl([
    "x509",
    "-req",
    "-in",
    at("server.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-out",
    at("server.pem"),
    "-days",
    "2",
    "-extfile",
    at("server.ext")
  ])
  return {
    caPath: at("ca.pem"),
    key: readFileSync(at("server.key"), "utf8"),
    cert: readFileSync(at("server.pem"), "utf8"),
    certPath: at("server.pem"),
    remove: () => rmSync(directory, { recursive: true, force: true })
  }
}
