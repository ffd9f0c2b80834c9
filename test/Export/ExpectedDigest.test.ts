/**
 * `verify --expect-sha256` given what an auditor may have recorded: the digest `export` printed, or the whole line
 * `sha256sum manifest.json` printed, which the README offers as the way to get it without this tool, or the BSD-style
 * line a Mac prints for it (`sha256 manifest.json`, `shasum -a 256 --tag manifest.json`), the line of `sha256 -r`, or
 * the line of `openssl dgst -sha256 manifest.json`.
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { expectedManifestDigest } from "../../src/Export/ExpectedDigest.js"

const DIGEST = "3f1a".repeat(16)

/** What `value` is refused with; "" when it is taken. */
const problemOf = (value: string): string =>
  Either.match(expectedManifestDigest(value), { onLeft: (problem) => problem, onRight: () => "" })

describe("the digest --expect-sha256 takes", () => {
  it("is the 64 hex digits, in any case and with space around them", () => {
    expect(expectedManifestDigest(` ${DIGEST.toUpperCase()} `)).toEqual(Either.right(DIGEST))
  })

  it("is taken from a sha256sum line for manifest.json, by its base name, in text or binary mode", () => {
    for (const line of [
      `${DIGEST}  manifest.json`,
      `${DIGEST} *manifest.json`,
      `${DIGEST}  ./manifest.json\n`,
      `${DIGEST}  reports/export-20260630T020000Z/manifest.json`,
      `${DIGEST.toUpperCase()} */srv/exports/export-20260630T020000Z/manifest.json`,
      // A name with a backslash in its folder: sha256sum escapes it and starts the line with one.
      `\\${DIGEST}  C:\\\\exports\\\\x/manifest.json`
    ]) {
      expect(expectedManifestDigest(line), line).toEqual(Either.right(DIGEST))
    }
  })

  it("is taken from a sha256sum line of standard input, which names no file to refuse", () => {
    // `sha256sum < manifest.json`, or the manifest piped in: the line names `-`, and the digest alone says the rest.
    for (const line of [`${DIGEST}  -`, `${DIGEST} *-`]) {
      expect(expectedManifestDigest(line), line).toEqual(Either.right(DIGEST))
    }
  })

  it("refuses a sha256sum line for another file, naming both", () => {
    for (const [line, named] of [
      [`${DIGEST}  findings-20260630T020000Z.csv`, "findings-20260630T020000Z.csv"],
      [`${DIGEST} *export-20260630T020000Z/manifest.json.bak`, "export-20260630T020000Z/manifest.json.bak"],
      [`${DIGEST}  manifest.json/other.json`, "manifest.json/other.json"]
    ] as const) {
      expect(problemOf(line), line).toContain(
        `--expect-sha256 was given a sha256sum line for ${named}, not for manifest.json`
      )
    }
  })

  it("names another file as sha256sum named it, its escapes undone, when refusing its line", () => {
    // sha256sum writes a line break in a name as `\\n` and a backslash as `\\\\`, and starts the line with `\\`.
    for (const [line, named] of [
      [`\\${DIGEST}  find\\nings.csv`, "find ings.csv"],
      [`\\${DIGEST}  a\\rb.csv`, "a b.csv"],
      [`\\${DIGEST}  C:\\\\exports\\\\findings.csv`, "C:\\exports\\findings.csv"],
      [`\\SHA256 (find\\nings.csv) = ${DIGEST}`, "find ings.csv"]
    ] as const) {
      expect(problemOf(line), line).toContain(` line for ${named}, not for manifest.json`)
    }
  })

  it("takes a BSD-style or OpenSSL line whose algorithm is written in lower case", () => {
    for (const line of [
      `sha256 (manifest.json) = ${DIGEST}`,
      `sha2-256(manifest.json)= ${DIGEST}`,
      `sha256(manifest.json)= ${DIGEST}`
    ]) {
      expect(expectedManifestDigest(line), line).toEqual(Either.right(DIGEST))
    }
  })

  it("is taken from a BSD-style line for manifest.json, by the same names as a sha256sum line", () => {
    for (const line of [
      `SHA256 (manifest.json) = ${DIGEST}`,
      `SHA256 (./manifest.json) = ${DIGEST}\n`,
      `SHA256 (reports/export-20260630T020000Z/manifest.json) = ${DIGEST.toUpperCase()}`,
      // `sha256sum --tag < manifest.json`: standard input, as in a sha256sum line.
      `SHA256 (-) = ${DIGEST}`,
      // sha256sum --tag escapes a name as sha256sum does, and starts the line with a backslash.
      `\\SHA256 (C:\\\\exports\\\\x/manifest.json) = ${DIGEST}`
    ]) {
      expect(expectedManifestDigest(line), line).toEqual(Either.right(DIGEST))
    }
  })

  it("refuses a BSD-style line for another file, naming both", () => {
    for (const [line, named] of [
      [`SHA256 (findings-20260630T020000Z.csv) = ${DIGEST}`, "findings-20260630T020000Z.csv"],
      [`SHA256 (export-20260630T020000Z/manifest.json.bak) = ${DIGEST}`, "export-20260630T020000Z/manifest.json.bak"],
      [`SHA256 (manifest.json/other.json) = ${DIGEST}`, "manifest.json/other.json"],
      // The BSD tools leave a `) = ` in a name as it is: the name runs to the last one.
      [`SHA256 (manifest.json) = x.csv) = ${DIGEST}`, "manifest.json) = x.csv"]
    ] as const) {
      expect(problemOf(line), line).toContain(
        `--expect-sha256 was given a BSD-style SHA256 line for ${named}, not for manifest.json`
      )
    }
  })

  it("refuses a BSD-style line of another algorithm as not a SHA-256, saying what to give instead", () => {
    for (const [line, algorithm] of [
      [`SHA1 (manifest.json) = ${DIGEST.slice(0, 40)}`, "SHA1"],
      [`SHA512 (manifest.json) = ${DIGEST}${DIGEST}`, "SHA512"],
      // A SHA-256 length does not make it one: the line says what it is.
      [`MD5 (manifest.json) = ${DIGEST}`, "MD5"]
    ] as const) {
      expect(problemOf(line), line).toContain(`--expect-sha256 was given a ${algorithm} digest, not a SHA-256 one`)
      expect(problemOf(line), line).toContain("`sha256 manifest.json`")
    }
  })

  it("is taken from a `sha256 -r` line for manifest.json, by the same names as a sha256sum line", () => {
    for (const line of [
      `${DIGEST} manifest.json`,
      `${DIGEST} ./manifest.json\n`,
      `${DIGEST.toUpperCase()} reports/export-20260630T020000Z/manifest.json`,
      // `sha256 -r -`: standard input, as in a sha256sum line.
      `${DIGEST} -`
    ]) {
      expect(expectedManifestDigest(line), line).toEqual(Either.right(DIGEST))
    }
  })

  it("refuses a `sha256 -r` line for another file, naming both", () => {
    for (const [line, named] of [
      [`${DIGEST} findings-20260630T020000Z.csv`, "findings-20260630T020000Z.csv"],
      [`${DIGEST} export-20260630T020000Z/manifest.json.bak`, "export-20260630T020000Z/manifest.json.bak"],
      [`${DIGEST} manifest.json/other.json`, "manifest.json/other.json"],
      // The BSD tools do not escape a name: a backslash in it is part of it, not of a folder's path.
      [`${DIGEST} C:\\exports\\manifest.json`, "C:\\exports\\manifest.json"]
    ] as const) {
      expect(problemOf(line), line).toContain(
        `--expect-sha256 was given a \`sha256 -r\` line for ${named}, not for manifest.json`
      )
      expect(problemOf(line), line).toContain("`sha256 -r manifest.json`")
    }
  })

  it("refuses a `sha256 -r` line of another algorithm as not a digest, as a sha1sum line: it names none", () => {
    for (const line of [
      `${DIGEST.slice(0, 40)} manifest.json`,
      `${DIGEST}${DIGEST} manifest.json`,
      `${DIGEST.slice(0, 32)} manifest.json`
    ]) {
      expect(problemOf(line), line).toContain("--expect-sha256 must be 64 hexadecimal digits")
    }
  })

  it("is taken from an OpenSSL line for manifest.json, as OpenSSL 3, OpenSSL 1.1 and LibreSSL write it", () => {
    for (const line of [
      `SHA2-256(manifest.json)= ${DIGEST}`,
      `SHA256(manifest.json)= ${DIGEST}\n`,
      `SHA2-256(./manifest.json)= ${DIGEST}`,
      `SHA2-256(reports/export-20260630T020000Z/manifest.json)= ${DIGEST.toUpperCase()}`,
      // `openssl dgst -sha256 < manifest.json`: OpenSSL's name for standard input.
      `SHA2-256(stdin)= ${DIGEST}`,
      // The same from OpenSSL 1.1 and LibreSSL, which name neither the input nor the algorithm.
      `(stdin)= ${DIGEST}`,
      `(stdin)= ${DIGEST.toUpperCase()}\n`
    ]) {
      expect(expectedManifestDigest(line), line).toEqual(Either.right(DIGEST))
    }
  })

  it("refuses OpenSSL's line for standard input without a SHA-256's length as not a digest: it names no algorithm", () => {
    for (const line of [`(stdin)= ${DIGEST.slice(0, 40)}`, `(stdin)= ${DIGEST}${DIGEST}`, `(stdin)=${DIGEST}`]) {
      expect(problemOf(line), line).toContain("--expect-sha256 must be 64 hexadecimal digits")
    }
  })

  it("refuses an OpenSSL line for another file, naming both", () => {
    for (const [line, named] of [
      [`SHA2-256(findings-20260630T020000Z.csv)= ${DIGEST}`, "findings-20260630T020000Z.csv"],
      [`SHA256(export-20260630T020000Z/manifest.json.bak)= ${DIGEST}`, "export-20260630T020000Z/manifest.json.bak"],
      [`SHA2-256(manifest.json/other.json)= ${DIGEST}`, "manifest.json/other.json"],
      // OpenSSL leaves a `)= ` in a name as it is: the name runs to the last one.
      [`SHA2-256(manifest.json)= x.csv)= ${DIGEST}`, "manifest.json)= x.csv"],
      // OpenSSL names standard input `stdin`, never `-`: a line naming `-` is of a file of that name.
      [`SHA2-256(-)= ${DIGEST}`, "-"]
    ] as const) {
      expect(problemOf(line), line).toContain(
        `--expect-sha256 was given an OpenSSL SHA-256 line for ${named}, not for manifest.json`
      )
      expect(problemOf(line), line).toContain("`openssl dgst -sha256 manifest.json`")
    }
  })

  it("refuses an OpenSSL line of another algorithm as not a SHA-256, saying what to give instead", () => {
    for (const [line, algorithm] of [
      [`SHA1(manifest.json)= ${DIGEST.slice(0, 40)}`, "SHA1"],
      [`SHA512(manifest.json)= ${DIGEST}${DIGEST}`, "SHA512"],
      [`SHA2-512(manifest.json)= ${DIGEST}${DIGEST}`, "SHA2-512"],
      // Of a SHA-256's length, and named much like one, but another algorithm.
      [`SHA3-256(manifest.json)= ${DIGEST}`, "SHA3-256"],
      [`SHA2-512/256(manifest.json)= ${DIGEST}`, "SHA2-512/256"]
    ] as const) {
      expect(problemOf(line), line).toContain(`--expect-sha256 was given a ${algorithm} digest, not a SHA-256 one`)
      expect(problemOf(line), line).toContain("`openssl dgst -sha256 manifest.json`")
    }
  })

  it("refuses anything else as not a digest, saying the forms it takes", () => {
    for (const value of [
      "abc",
      `${DIGEST}manifest.json`,
      `${DIGEST.slice(1)}  manifest.json`,
      `${DIGEST.slice(1)} manifest.json`,
      // A `\` starts only a sha256sum line, saying its name is escaped: `sha256 -r` escapes none.
      `\\${DIGEST} manifest.json`,
      `SHA256 (manifest.json) = ${DIGEST.slice(1)}`,
      `SHA256 (manifest.json)= ${DIGEST}`,
      `SHA256 manifest.json = ${DIGEST}`,
      `SHA2-256(manifest.json)= ${DIGEST.slice(1)}`,
      `SHA2-256(manifest.json) = ${DIGEST}`,
      // `openssl dgst -sha256 -c`: the digest's bytes apart.
      `SHA2-256(manifest.json)= ${DIGEST.replace(/(..)(?!$)/g, "$1:")}`
    ]) {
      expect(problemOf(value), value).toContain("--expect-sha256 must be 64 hexadecimal digits")
      expect(problemOf(value), value).toContain("`sha256sum manifest.json`")
      expect(problemOf(value), value).toContain("`sha256 manifest.json`")
      expect(problemOf(value), value).toContain("`openssl dgst -sha256 manifest.json`")
    }
  })
})
