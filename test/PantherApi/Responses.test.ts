import { describe, expect, it } from "@effect/vitest"
import { Either, Option } from "effect"
import { cleanText } from "../../src/Email/AuditEmailContent.js"
import {
  checkStatus,
  errorDetail,
  parseJson,
  printable,
  transportFailure,
  unaskedEncoding
} from "../../src/PantherApi/Responses.js"
import { escapeHtml } from "../../src/Review/Html.js"

describe("errorDetail", () => {
  it("reads message or error from JSON bodies of any of the shapes seen", () => {
    expect(errorDetail('{"message":"user not found"}')).toBe("user not found")
    expect(errorDetail('{"error":"forbidden"}')).toBe("forbidden")
    expect(errorDetail('{"error":{"message":"nested"}}')).toBe("nested")
    // The message says more than the error code beside it; a blank one says nothing.
    expect(errorDetail('{"error":"forbidden","message":"token lacks UserRead"}')).toBe("token lacks UserRead")
    expect(errorDetail('{"message":"  ","error":"forbidden"}')).toBe("forbidden")
    expect(errorDetail('{"code":7}')).toBe('{"code":7}')
    expect(errorDetail('"just a string"')).toBe('"just a string"')
  })

  it("sums up HTML pages by their title or first heading", () => {
    expect(errorDetail("<html><head><title> 504 Gateway Time-out </title></head></html>")).toBe(
      'an HTML page titled "504 Gateway Time-out"'
    )
    expect(errorDetail("<!DOCTYPE html><body><h1>Service Unavailable</h1></body>")).toBe(
      'an HTML page titled "Service Unavailable"'
    )
    expect(errorDetail("<html><body>oops</body></html>")).toBe("an HTML page")
  })

  it("keeps plain text to one short line, and an empty body says nothing", () => {
    expect(errorDetail("upstream\n  connect error")).toBe("upstream connect error")
    expect(errorDetail("x".repeat(500))).toHaveLength(203)
    // One of exactly 200 characters is whole, with no mark of a cut.
    expect(errorDetail("x".repeat(200))).toBe("x".repeat(200))
    // Cut before an emoji whose two UTF-16 units straddle the 200th, not between them.
    expect(errorDetail(`${"x".repeat(199)}\u{1F600} and more`)).toBe(`${"x".repeat(199)}...`)
    // Nor inside a joined emoji or a letter with its accent: a server's message names a user as it likes.
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}"
    expect(errorDetail(`${"x".repeat(195)}${family} and more`)).toBe(`${"x".repeat(195)}...`)
    expect(errorDetail(`${"x".repeat(199)}e\u0301 and more`)).toBe(`${"x".repeat(199)}...`)
    expect(errorDetail("   ")).toBeUndefined()
  })

  it("quotes no control character: an escape sequence in a body must not reach the terminal", () => {
    expect(errorDetail('{"message":"\\u001b]0;PWNED\\u0007bad \\u009bcursor"}')).toBe(
      "\uFFFD]0;PWNED\uFFFDbad \uFFFDcursor"
    )
    expect(errorDetail("plain\u001b[2Jtext")).toBe("plain\uFFFD[2Jtext")
  })

  it("quotes no bidirectional override or isolate either: they reorder what a terminal shows after them", () => {
    expect(errorDetail('{"message":"user \u202eevil\u202c and \u2066x\u2069"}')).toBe(
      "user \uFFFDevil\uFFFD and \uFFFDx\uFFFD"
    )
    expect(printable("a\u202ab\u202dc\u2067d\u2068e")).toBe("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe")
  })

  it("shows an invisible character as U+FFFD, so two emails or names cannot look one, and keeps those names need", () => {
    expect(printable("ok@acme.com\u200b")).toBe("ok@acme.com\uFFFD")
    expect(printable("Ad\u2060min\ufeff \u2062x\u180e \u{E0041}")).toBe("Ad\uFFFDmin\uFFFD \uFFFDx\uFFFD \uFFFD")
    // Persian's non-joiner, a family emoji's joiners, direction marks, a soft hyphen, an Arabic number sign: drawn or
    // needed, kept.
    const needed =
      "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u{1F469}\u200D\u{1F467} a\u200fb\u200e\u061c Anna\u00adLena \u0600"
    expect(printable(needed)).toBe(needed)
  })

  it("keeps the flags of England, Scotland and Wales, whose tags draw the flag, and no other run of tags", () => {
    const tags = (letters: string) => [...letters].map((letter) => String.fromCodePoint(0xe0000 + letter.charCodeAt(0)))
    const flag = (region: string) => `\u{1F3F4}${tags(region).join("")}\u{E007F}`
    const flags = `Ann ${flag("gbeng")} ${flag("gbsct")}${flag("gbwls")} Lee`
    expect(printable(flags)).toBe(flags)
    expect(cleanText(flags)).toBe(flags)
    expect(escapeHtml(flags)).toBe(flags)
    // Drawn as a black flag alone, or as nothing: two names could look one.
    expect(printable(`A${flag("usca")}`)).toBe(`A\u{1F3F4}${"\uFFFD".repeat(5)}`)
    expect(printable(`A${flag("gbeng").slice(2)}`)).toBe(`A${"\uFFFD".repeat(6)}`)
    expect(printable(`A\u{1F3F4}${tags("gbeng").join("")}`)).toBe(`A\u{1F3F4}${"\uFFFD".repeat(5)}`)
  })

  it("says a JSON body is nested too deeply to quote, rather than overflowing the stack writing it out", () => {
    const depth = 20_000
    expect(errorDetail(`${"[".repeat(depth)}${"]".repeat(depth)}`)).toBe("a JSON document nested too deeply to quote")
  })
})

describe("what the client does with a failure that got no answer", () => {
  it("takes a TLS failure for final, whatever Node calls it, rather than retry it", () => {
    for (const code of ["ERR_TLS_HANDSHAKE_TIMEOUT", "ERR_SSL_WRONG_VERSION_NUMBER"]) {
      const failure = transportFailure("GET", "/users", { stage: "request", code }, "30s", String)
      expect(failure._tag, code).toBe("TransportError")
      expect(failure.message, code).toContain(`the TLS handshake failed (${code})`)
    }
    // A server with no TLS version in common says so, however Node put it (noSharedTlsVersion).
    for (const code of ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "EPROTO"]) {
      const failure = transportFailure(
        "GET",
        "/users",
        { stage: "request", code, noSharedTlsVersion: true },
        "30s",
        String
      )
      expect(failure._tag, code).toBe("TransportError")
      expect(failure.message, code).toContain(
        `the TLS handshake failed as the server and this tool have no TLS version in common (${code})`
      )
      expect(failure.message, code).not.toMatch(/client certificate|does not speak TLS/)
    }
    // Another alert from a TLS 1.2 server is most often a wish for a client certificate.
    const handshakeFailure = transportFailure(
      "GET",
      "/users",
      { stage: "request", code: "EPROTO", serverAlert: 40 },
      "30s",
      String
    )
    expect(handshakeFailure.message).toContain("most likely because it wants a client certificate")
  })
})

describe("unaskedEncoding", () => {
  it("takes identity, in any case and spacing, for no encoding", () => {
    expect(unaskedEncoding(" Identity ", String)).toBeUndefined()
    expect(unaskedEncoding(undefined, String)).toBeUndefined()
    expect(unaskedEncoding("gzip", String)).toBe("gzip")
  })
})

describe("parseJson", () => {
  it("reads JSON after a byte order mark", () => {
    expect(parseJson('\uFEFF{"results":[]}')).toEqual(Option.some({ results: [] }))
    expect(parseJson("not json")).toEqual(Option.none())
  })
})

describe("what an API error tells the user to do", () => {
  it("a 404 sends a lookup by id to the id, and a list to the base URL", () => {
    const one = checkStatus(
      { method: "GET", path: "/users/u1", status: 404, retryAfter: undefined, body: "" },
      0,
      String
    )
    const list = checkStatus({ method: "GET", path: "/users", status: 404, retryAfter: undefined, body: "" }, 0, String)
    expect(Either.flip(one).pipe(Either.getOrThrow).message).toContain("Check the id")
    const listMessage = Either.flip(list).pipe(Either.getOrThrow).message
    expect(listMessage).not.toContain("Check the id")
    expect(listMessage).toContain("Check that --api-url / PANTHER_API_URL is the API itself")
  })

  it("a 400 on a list's first page points at the filters, on a change at what Panther named", () => {
    const refused = (method: string) =>
      Either.flip(
        checkStatus({ method, path: "/users", status: 400, retryAfter: undefined, body: '{"message":"x"}' }, 0, String)
      ).pipe(Either.getOrThrow).message
    expect(refused("GET")).toContain("Check the filters given.")
    // The first page was sent without a cursor: there is none to blame.
    expect(refused("GET")).not.toContain("cursor")
    expect(refused("POST")).toContain("Change what Panther named")
  })

  it("a 409 or 422 to a lookup or a list points at what was asked, not at a change none was made", () => {
    const refused = (status: number, path: string) =>
      Either.flip(
        checkStatus({ method: "GET", path, status, retryAfter: undefined, body: '{"message":"x"}' }, 0, String)
      ).pipe(Either.getOrThrow).message
    for (const status of [409, 422]) {
      expect(refused(status, "/users/u1"), String(status)).toContain("Check the id")
      expect(refused(status, "/users"), String(status)).toContain("Check the filters given.")
      expect(refused(status, "/users/u1"), String(status)).not.toContain("Change what Panther named")
    }
  })

  it("a change refused with a status that is not about the request (405 from a console) points at --api-url", () => {
    const answer = (status: number, body: string) =>
      Either.flip(checkStatus({ method: "POST", path: "/users", status, retryAfter: undefined, body }, 0, String)).pipe(
        Either.getOrThrow
      ).message
    expect(answer(405, "<html><title>Panther</title></html>")).toContain("Check that --api-url / PANTHER_API_URL")
    expect(answer(422, '{"message":"email is invalid"}')).toContain("Change what Panther named")
    // Nothing named: nothing to change.
    expect(answer(400, "")).toContain("Check that --api-url / PANTHER_API_URL")
  })
})
