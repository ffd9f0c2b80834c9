/**
 * What `verify --expect-sha256` takes: the SHA-256 of manifest.json as `export` printed it, or a whole line of
 * `sha256sum manifest.json`, which the README gives as the way to get that digest without this tool, and which an
 * auditor may have recorded as it was printed: `<64 hex>  <file>` (`<64 hex> *<file>` in binary mode; with a `\`
 * before it when the name holds a backslash or a line break, which are then escaped). The name in the line may carry
 * the folder (`sha256sum export-.../manifest.json`): its base name says which file the digest is of. A line for
 * another file (the findings CSV, pasted from the same listing) is refused, naming both: its digest could never
 * match, and verify would call an untouched manifest changed. A line for `-` (`sha256sum < manifest.json`, the file
 * piped in) names no file: its digest is taken, and checked as any other.
 *
 * It also takes the BSD-style line, `SHA256 (<file>) = <64 hex>`, which is what a Mac gives (`sha256 manifest.json`,
 * `shasum -a 256 --tag manifest.json`; `sha256sum --tag` prints it too, with the same `\` before it for an escaped
 * name): an auditor on a Mac records that. Its name is held to the same rules as a sha256sum line's, so the two forms
 * take and refuse alike. The line says its algorithm, and one of another (`SHA1 (...)`, `SHA512 (...)`) is refused as
 * such: its digest is not a SHA-256, and calling it malformed would hide that the wrong command was run.
 *
 * Two more forms are held to the same rules: the line of `sha256 -r manifest.json` on a Mac, `<64 hex> <file>` with
 * one space, and the line of `openssl dgst -sha256 manifest.json`, `SHA2-256(<file>)= <64 hex>` (OpenSSL 3;
 * `SHA256(<file>)= ...` from OpenSSL 1.1 and from LibreSSL, a Mac's `openssl`), whose name for what it read from a
 * pipe is `stdin`. An OpenSSL line says its algorithm, and one of another is refused as a BSD-style line's is. A
 * `sha256 -r` line does not: one with a digest of another length is refused as malformed, as a `sha1sum` line is.
 */
import * as Either from "effect/Either"
import { printable } from "../PantherApi/Responses.js"
import { MANIFEST_NAME } from "./Manifest.js"

const HEX = /^[0-9a-f]{64}$/i
/** A line of `sha256sum`: an optional `\` (escaped name), the digest, a space, then ` ` (text) or `*` (binary). */
const SHA256SUM_LINE = /^(\\?)([0-9a-f]{64}) [ *]([^\n]+)$/i
/**
 * A line of `sha256 -r`: the digest, one space, the name, which the BSD tools do not escape. A sha256sum line matches
 * it too, so it is tried second: a name `sha256 -r` printed starting with a space or `*` is read as sha256sum's.
 */
const REVERSED_LINE = /^([0-9a-f]{64}) ([^\n]+)$/i
/**
 * A BSD-style line: an optional `\` (escaped name), the algorithm, the name in parentheses, ` = `, the digest. The
 * name runs to the last `) = `: the BSD tools do not escape a `)` in a name, and one holding it stays whole. The
 * algorithm and the digest are taken loosely, so that a line of another algorithm is recognized and refused as such.
 */
const TAGGED_LINE = /^(?<escaped>\\?)(?<algorithm>[^\s(]+) \((?<name>[^\n]+)\) = (?<digest>\S+)$/
/**
 * A line of `openssl dgst`: the algorithm, the name in parentheses, `= `, the digest. OpenSSL escapes no name here
 * either, so the name runs to the last `)= `; the algorithm and the digest are taken loosely, as in a BSD-style line.
 */
const OPENSSL_LINE = /^(?<algorithm>[^\s(]+)\((?<name>[^\n]+)\)= (?<digest>\S+)$/
/**
 * The line of `openssl dgst -sha256 < manifest.json` from OpenSSL 1.1 and LibreSSL, which name neither the file nor
 * the algorithm: the digest alone, taken as 64 hexadecimal digits are.
 */
const OPENSSL_STDIN_LINE = /^\(stdin\)= ([0-9a-f]{64})$/i

/** A name as `sha256sum` escapes it when its line starts with `\`. */
const unescapedName = (name: string): string =>
  name.replace(/\\(.)/g, (whole, next: string) =>
    next === "\\" ? "\\" : next === "n" ? "\n" : next === "r" ? "\r" : whole
  )

const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1)

/** The name a line gives, unescaped when the line starts with `\`. */
const lineName = (escaped: string, written: string): string => (escaped === "" ? written : unescapedName(written))

/**
 * How a refusal names each form of line, the command that prints the one to give instead, and the name the form
 * gives what was read from standard input, which names no other file.
 */
interface LineForm {
  readonly kind: string
  readonly command: string
  readonly standardInput: string
}
const SHA256SUM_FORM: LineForm = {
  kind: "a sha256sum line",
  command: `sha256sum ${MANIFEST_NAME}`,
  standardInput: "-"
}
const REVERSED_FORM: LineForm = {
  kind: "a `sha256 -r` line",
  command: `sha256 -r ${MANIFEST_NAME}`,
  standardInput: "-"
}

/** A form of line that says its algorithm: the tags it gives a SHA-256, and what to run instead for another. */
interface TaggedForm extends LineForm {
  readonly sha256Tags: ReadonlyArray<string>
  readonly instead: string
}
const BSD_FORM: TaggedForm = {
  kind: "a BSD-style SHA256 line",
  command: `sha256 ${MANIFEST_NAME}`,
  standardInput: "-",
  sha256Tags: ["SHA256"],
  instead: `\`sha256 ${MANIFEST_NAME}\`, \`shasum -a 256 --tag ${MANIFEST_NAME}\` or \`sha256sum ${MANIFEST_NAME}\``
}
const OPENSSL_FORM: TaggedForm = {
  kind: "an OpenSSL SHA-256 line",
  command: `openssl dgst -sha256 ${MANIFEST_NAME}`,
  standardInput: "stdin",
  // OpenSSL 3 names SHA-256 by its family; OpenSSL 1.1 and LibreSSL as the BSD tools do.
  sha256Tags: ["SHA2-256", "SHA256"],
  instead: `\`openssl dgst -sha256 ${MANIFEST_NAME}\` or \`sha256sum ${MANIFEST_NAME}\``
}

const notADigest = (): Either.Either<string, string> =>
  Either.left(
    `--expect-sha256 must be 64 hexadecimal digits, the SHA-256 \`export\` printed for ${MANIFEST_NAME} (or the ` +
      `line \`sha256sum ${MANIFEST_NAME}\`, \`sha256 ${MANIFEST_NAME}\` or \`openssl dgst -sha256 ${MANIFEST_NAME}\` ` +
      "prints)."
  )

/** The digest of a line whose name is the manifest's (or standard input's); one for another file is refused. */
const digestOfLine = (form: LineForm, name: string, digest: string): Either.Either<string, string> =>
  name === form.standardInput || baseName(name) === MANIFEST_NAME
    ? Either.right(digest.toLowerCase())
    : Either.left(
        `--expect-sha256 was given ${form.kind} for ${printable(name)}, not for ${MANIFEST_NAME}, the file whose ` +
          `digest it checks: give the digest recorded for ${MANIFEST_NAME} (the line of \`${form.command}\`, ` +
          "or its 64 hexadecimal digits)."
      )

/** The digest of a line that names its algorithm, or why not: another algorithm, a malformed digest, another file. */
const digestOfTaggedLine = (form: TaggedForm, line: RegExpExecArray): Either.Either<string, string> => {
  const { escaped = "", algorithm = "", name = "", digest = "" } = line.groups ?? {}
  if (!form.sha256Tags.includes(algorithm.toUpperCase())) {
    return Either.left(
      `--expect-sha256 was given a ${printable(algorithm)} digest, not a SHA-256 one: give the SHA-256 of ` +
        `${MANIFEST_NAME} (the line of ${form.instead}, or its 64 hexadecimal digits).`
    )
  }
  if (!HEX.test(digest)) return notADigest()
  return digestOfLine(form, lineName(escaped, name), digest)
}

/** The digest `value` gives, in lower case, or what is wrong with it. */
export const expectedManifestDigest = (value: string): Either.Either<string, string> => {
  const text = value.trim()
  if (HEX.test(text)) return Either.right(text.toLowerCase())
  const piped = OPENSSL_STDIN_LINE.exec(text)?.[1]
  if (piped !== undefined) return Either.right(piped.toLowerCase())
  const line = SHA256SUM_LINE.exec(text)
  if (line !== null) {
    const [, escaped = "", digest = "", written = ""] = line
    return digestOfLine(SHA256SUM_FORM, lineName(escaped, written), digest)
  }
  const reversed = REVERSED_LINE.exec(text)
  if (reversed !== null) {
    const [, digest = "", name = ""] = reversed
    return digestOfLine(REVERSED_FORM, name, digest)
  }
  const tagged = TAGGED_LINE.exec(text)
  if (tagged !== null) return digestOfTaggedLine(BSD_FORM, tagged)
  const openssl = OPENSSL_LINE.exec(text)
  return openssl === null ? notADigest() : digestOfTaggedLine(OPENSSL_FORM, openssl)
}
