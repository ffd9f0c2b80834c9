/**
 * What `verify --expect-sha256` takes: the SHA-256 of manifest.json as `export` printed it, or a whole line of
 * `sha256sum manifest.json`, which the README gives as the way to get that digest without this tool, and which an
 * auditor may have recorded as it was printed: `<64 hex>  <file>` (`<64 hex> *<file>` in binary mode; with a `\`
 * before it when the name holds a backslash or a line break, which are then escaped). The name in the line may carry
 * the folder (`sha256sum export-.../manifest.json`): its base name says which file the digest is of. A line for
 * another file (the findings CSV, pasted from the same listing) is refused, naming both: its digest could never
 * match, and verify would call an untouched manifest changed. A line for `-` (`sha256sum < manifest.json`, the file
 * piped in) names no file: its digest is taken, and checked as any other.
 */
import { Either } from "effect"
import { printable } from "../PantherApi/Responses.js"
import { MANIFEST_NAME } from "./Manifest.js"

const HEX = /^[0-9a-f]{64}$/i
/** A line of `sha256sum`: an optional `\` (escaped name), the digest, a space, then ` ` (text) or `*` (binary). */
const SHA256SUM_LINE = /^(\\?)([0-9a-f]{64}) [ *]([^\n]+)$/i

/** A name as `sha256sum` escapes it when its line starts with `\`. */
const unescapedName = (name: string): string =>
  name.replace(/\\(.)/g, (whole, next: string) =>
    next === "\\" ? "\\" : next === "n" ? "\n" : next === "r" ? "\r" : whole
  )

/** The name sha256sum gives what it read from standard input. */
const STANDARD_INPUT = "-"

const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1)

/** The digest `value` gives, in lower case, or what is wrong with it. */
export const expectedManifestDigest = (value: string): Either.Either<string, string> => {
  const text = value.trim()
  if (HEX.test(text)) return Either.right(text.toLowerCase())
  const line = SHA256SUM_LINE.exec(text)
  if (line === null) {
    return Either.left(
      `--expect-sha256 must be 64 hexadecimal digits, the SHA-256 \`export\` printed for ${MANIFEST_NAME} (or the ` +
        `line \`sha256sum ${MANIFEST_NAME}\` prints).`
    )
  }
  const [, escaped = "", digest = "", written = ""] = line
  const name = escaped === "" ? written : unescapedName(written)
  if (name === STANDARD_INPUT || baseName(name) === MANIFEST_NAME) return Either.right(digest.toLowerCase())
  return Either.left(
    `--expect-sha256 was given a sha256sum line for ${printable(name)}, not for ${MANIFEST_NAME}, the file whose ` +
      `digest it checks: give the digest recorded for ${MANIFEST_NAME} (the line of \`sha256sum ${MANIFEST_NAME}\`, ` +
      "or its 64 hexadecimal digits)."
  )
}
