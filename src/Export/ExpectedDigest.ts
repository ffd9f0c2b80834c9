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
 */
import * as Either from "effect/Either"
import { printable } from "../PantherApi/Responses.js"
import { MANIFEST_NAME } from "./Manifest.js"

const HEX = /^[0-9a-f]{64}$/i
/** A line of `sha256sum`: an optional `\` (escaped name), the digest, a space, then ` ` (text) or `*` (binary). */
const SHA256SUM_LINE = /^(\\?)([0-9a-f]{64}) [ *]([^\n]+)$/i
/**
 * A BSD-style line: an optional `\` (escaped name), the algorithm, the name in parentheses, ` = `, the digest. The
 * name runs to the last `) = `: the BSD tools do not escape a `)` in a name, and one holding it stays whole. The
 * algorithm and the digest are taken loosely, so that a line of another algorithm is recognized and refused as such.
 */
const TAGGED_LINE = /^(\\?)([^\s(]+) \(([^\n]+)\) = (\S+)$/
/** The tag `sha256`, `shasum -a 256 --tag` and `sha256sum --tag` give a SHA-256. */
const SHA256_TAG = "SHA256"

/** A name as `sha256sum` escapes it when its line starts with `\`. */
const unescapedName = (name: string): string =>
  name.replace(/\\(.)/g, (whole, next: string) =>
    next === "\\" ? "\\" : next === "n" ? "\n" : next === "r" ? "\r" : whole
  )

/** The name sha256sum gives what it read from standard input. */
const STANDARD_INPUT = "-"

const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1)

/** The name a line gives, unescaped when the line starts with `\`. */
const lineName = (escaped: string, written: string): string => (escaped === "" ? written : unescapedName(written))

/** Whether a line's name is manifest.json (by its base name), or standard input, which names no other file. */
const namesManifest = (name: string): boolean => name === STANDARD_INPUT || baseName(name) === MANIFEST_NAME

/** How a refusal names each form of line, and the command that prints the one to give instead. */
interface LineForm {
  readonly kind: string
  readonly command: string
}
const SHA256SUM_FORM: LineForm = { kind: "sha256sum line", command: `sha256sum ${MANIFEST_NAME}` }
const TAGGED_FORM: LineForm = { kind: "BSD-style SHA256 line", command: `sha256 ${MANIFEST_NAME}` }

const notADigest = (): Either.Either<string, string> =>
  Either.left(
    `--expect-sha256 must be 64 hexadecimal digits, the SHA-256 \`export\` printed for ${MANIFEST_NAME} (or the ` +
      `line \`sha256sum ${MANIFEST_NAME}\` or \`sha256 ${MANIFEST_NAME}\` prints).`
  )

/** The digest of a line whose name is the manifest's; a line for another file is refused, naming both. */
const digestOfLine = (form: LineForm, name: string, digest: string): Either.Either<string, string> =>
  namesManifest(name)
    ? Either.right(digest.toLowerCase())
    : Either.left(
        `--expect-sha256 was given a ${form.kind} for ${printable(name)}, not for ${MANIFEST_NAME}, the file whose ` +
          `digest it checks: give the digest recorded for ${MANIFEST_NAME} (the line of \`${form.command}\`, ` +
          "or its 64 hexadecimal digits)."
      )

/** The digest of a BSD-style line, or why it is refused: another algorithm, a malformed digest, another file. */
const digestOfTaggedLine = (line: RegExpExecArray): Either.Either<string, string> => {
  const [, escaped = "", algorithm = "", written = "", digest = ""] = line
  if (algorithm.toUpperCase() !== SHA256_TAG) {
    return Either.left(
      `--expect-sha256 was given a ${printable(algorithm)} digest, not a SHA-256 one: give the SHA-256 of ` +
        `${MANIFEST_NAME} (the line of \`sha256 ${MANIFEST_NAME}\`, \`shasum -a 256 --tag ${MANIFEST_NAME}\` or ` +
        `\`sha256sum ${MANIFEST_NAME}\`, or its 64 hexadecimal digits).`
    )
  }
  if (!HEX.test(digest)) return notADigest()
  return digestOfLine(TAGGED_FORM, lineName(escaped, written), digest)
}

/** The digest `value` gives, in lower case, or what is wrong with it. */
export const expectedManifestDigest = (value: string): Either.Either<string, string> => {
  const text = value.trim()
  if (HEX.test(text)) return Either.right(text.toLowerCase())
  const line = SHA256SUM_LINE.exec(text)
  if (line !== null) {
    const [, escaped = "", digest = "", written = ""] = line
    return digestOfLine(SHA256SUM_FORM, lineName(escaped, written), digest)
  }
  const tagged = TAGGED_LINE.exec(text)
  return tagged === null ? notADigest() : digestOfTaggedLine(tagged)
}
