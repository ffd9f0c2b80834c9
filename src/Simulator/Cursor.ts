/**
 * Opaque pagination cursors. A cursor records the stable key of the last item a page returned (a user's creation
 * sequence number, not an array index), so creating or deleting users between pages neither skips nor repeats
 * anyone. It is HMAC-signed with a per-run secret, so a forged, garbled or stale (earlier run) cursor is a 400.
 *
 * The token is standard base64 and always contains `+`, `/` and `=`, as the live API's tokens may: a client that
 * forgets to URL-encode it (a `+` arrives as a space) gets a 400 here instead of working by luck.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto"
import * as Context from "effect/Context"
import * as Either from "effect/Either"

/** Encodes to "++//" in base64: both characters that need URL-encoding, in every token. */
const MAGIC = Buffer.from([0xfb, 0xef, 0xff])
const VERSION = 1
const FINGERPRINT_BYTES = 8
const MAC_BYTES = 16
const BODY_BYTES = MAGIC.length + 1 + 1 + 6 + FINGERPRINT_BYTES
/** 35 bytes: not a multiple of three, so the base64 form ends in "=". */
const TOKEN_BYTES = BODY_BYTES + MAC_BYTES

export type CursorKind = "users" | "roles"
const KIND_BYTE: Record<CursorKind, number> = { users: 1, roles: 2 }

/** Why a cursor was refused, worded for the 400 message. */
export type CursorProblem = "invalid" | "other-list" | "other-query"

/**
 * A digest of the filters a cursor was issued under. Paging must keep the same filters; a cursor replayed with
 * other filters would silently return a different set, so it is refused instead.
 */
export const queryFingerprint = (parts: ReadonlyArray<string>): Buffer =>
  createHash("sha256").update(JSON.stringify(parts), "utf8").digest().subarray(0, FINGERPRINT_BYTES)

export interface CursorCodec {
  readonly encode: (kind: CursorKind, position: number, fingerprint: Buffer) => string
  readonly decode: (kind: CursorKind, token: string, fingerprint: Buffer) => Either.Either<number, CursorProblem>
}

export const makeCursorCodec = (secret: Buffer): CursorCodec => {
  const mac = (body: Buffer): Buffer => createHmac("sha256", secret).update(body).digest().subarray(0, MAC_BYTES)
  return {
    encode: (kind, position, fingerprint) => {
      const body = Buffer.alloc(BODY_BYTES)
      MAGIC.copy(body, 0)
      body.writeUInt8(VERSION, 3)
      body.writeUInt8(KIND_BYTE[kind], 4)
      body.writeUIntBE(position, 5, 6)
      fingerprint.copy(body, 11, 0, FINGERPRINT_BYTES)
      return Buffer.concat([body, mac(body)]).toString("base64")
    },
    decode: (kind, token, fingerprint) => {
      const bytes = Buffer.from(token, "base64")
      // Node's base64 decoder skips characters it does not know; re-encoding catches spaces and other damage.
      if (bytes.length !== TOKEN_BYTES || bytes.toString("base64") !== token) return Either.left("invalid")
      const body = bytes.subarray(0, BODY_BYTES)
      if (!timingSafeEqual(mac(body), bytes.subarray(BODY_BYTES))) return Either.left("invalid")
      if (!body.subarray(0, 3).equals(MAGIC) || body.readUInt8(3) !== VERSION) return Either.left("invalid")
      // Signed by this run, so handed out by it: by the other list's pages.
      if (body.readUInt8(4) !== KIND_BYTE[kind]) return Either.left("other-list")
      if (!body.subarray(11, 11 + FINGERPRINT_BYTES).equals(fingerprint)) return Either.left("other-query")
      return Either.right(body.readUIntBE(5, 6))
    }
  }
}

/** The 400 message for a cursor refused by the list of `kind` (`GET /users` or `GET /roles`). */
export const cursorProblemMessage = (problem: CursorProblem, kind: CursorKind): string => {
  switch (problem) {
    case "other-query":
      return "cursor was issued for a different query: keep the same filters while paging, or start again without a cursor"
    case "other-list":
      return `cursor was issued by another list than GET /${kind}: page GET /${kind} with the next of its own answers`
    case "invalid":
      return "cursor is not valid: it is garbled, forged, or from an earlier run of the server (URL-encode it: it contains +, / and =)"
  }
}

/** The running server's cursor codec (one secret per run), provided to the list handlers. */
export class Cursors extends Context.Tag("Simulator/Cursors")<Cursors, CursorCodec>() {}
