/**
 * The host a URL may name, for the API, a proxy and the mail relay alike: what is connected to, or undefined for a
 * host that would fail only when first connected to (after the whole audit, for the mail relay).
 */
import { describe, expect, it } from "vitest"
import { connectableHost } from "../../src/Cli/HostName.js"

describe("connectableHost", () => {
  it("takes host names, IPv4 addresses and bracketed IPv6 addresses as they are connected to", () => {
    expect(connectableHost("mail.acme.example")).toBe("mail.acme.example")
    expect(connectableHost("MAIL.Acme.Example")).toBe("mail.acme.example")
    expect(connectableHost("10.0.0.5")).toBe("10.0.0.5")
    expect(connectableHost("[2001:db8::25]")).toBe("2001:db8::25")
    // A compose service's name, which Docker's resolver answers for.
    expect(connectableHost("mail_relay")).toBe("mail_relay")
    expect(connectableHost("bücher.example")).toBe("xn--bcher-kva.example")
    // A fully qualified name's final dot names the same host.
    expect(connectableHost("mail.acme.example.")).toBe("mail.acme.example.")
  })

  it("refuses a name whose last part is a number, a mistyped IPv4 address, rather than read it as another", () => {
    // The URL parser leaves an smtp:// host as written; Node's domainToASCII reads 1.2.3 as 1.2.0.3.
    for (const host of ["1.2.3", "10.5", "1.2.3.4.5", "mail.123", "1.2.3.256"]) {
      expect(connectableHost(host), host).toBeUndefined()
    }
  })

  it("refuses a part that is empty, too long or starts or ends with a hyphen, and a name past 253 characters", () => {
    for (const host of ["mail..acme.example", "-mail.acme.example", "mail-.acme.example", "ho st", "."]) {
      expect(connectableHost(host), host).toBeUndefined()
    }
    expect(connectableHost(`${"a".repeat(63)}.example`)).toBe(`${"a".repeat(63)}.example`)
    expect(connectableHost(`${"a".repeat(64)}.example`)).toBeUndefined()
    const longest = `${Array.from({ length: 4 }, () => "a".repeat(61)).join(".")}.example`
    expect(longest.length).toBe(255)
    expect(connectableHost(longest.slice(2))).toBe(longest.slice(2))
    expect(connectableHost(longest)).toBeUndefined()
  })
})
