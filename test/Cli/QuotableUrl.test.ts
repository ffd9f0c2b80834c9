/**
 * How URLs that may hold a login are read for messages: the port past range, what reads as an address, and what in
 * them is secret.
 */
import { describe, expect, it } from "vitest"
import { parseUrl, portPastRangeNotShown, readsAsAddress, secretsInUrl } from "../../src/Cli/QuotableUrl.js"

describe("the highest port", () => {
  it("is 65535: a URL with it parses as it is, and one past it is parsed without, its port given as typed", () => {
    expect(parseUrl("smtp://relay.example:65535")).toEqual({ url: new URL("smtp://relay.example:65535") })
    expect(parseUrl("https://user:pw@api.acme.example:65536/v1")).toEqual({
      url: new URL("https://user:pw@api.acme.example/v1"),
      portPastRange: "65536"
    })
  })

  it("is named for a one-word host only past it", () => {
    expect(portPastRangeNotShown("smtp://mailpit:65536")).toContain("is past 65535, the highest port there is; ")
    expect(portPastRangeNotShown("smtp://mailpit:65535")).toBe("")
  })
})

describe("readsAsAddress", () => {
  it("takes a host with a colon and no port yet for an address, and a password where the host goes for none", () => {
    expect(readsAsAddress("https://api.acme.example:/v1")).toBe(true)
    expect(readsAsAddress("smtp://user:12345678")).toBe(false)
  })
})

describe("secretsInUrl", () => {
  it("are the URL and its password as typed and decoded, as either may be echoed", () => {
    expect(secretsInUrl("smtps://mailer:pw%3Fx%40y-9@mail.example")).toEqual([
      "smtps://mailer:pw%3Fx%40y-9@mail.example",
      "pw%3Fx%40y-9",
      "pw?x@y-9"
    ])
  })
})
