/** Which requests go through a proxy: the variables read, NO_PROXY's rules, loopback, the proxy's credentials. */
import { Either, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { noProxyMatches, proxyNotices, proxyRouteFor } from "../../src/PantherApi/Proxy.js"

describe("which requests go through a proxy", () => {
  const route = (baseUrl: string, environment: Record<string, string>) =>
    Either.getOrThrow(proxyRouteFor(baseUrl, environment))

  it("takes the variable for the API's scheme, lower case first; blank counts as unset", () => {
    const environment = { https_proxy: "http://lower:3128", HTTPS_PROXY: "http://upper:3128", HTTP_PROXY: "plain:8080" }
    expect(route("https://api.acme.example", environment)?.address).toBe("lower:3128")
    expect(route("https://api.acme.example", { ...environment, https_proxy: " " })?.address).toBe("upper:3128")
    // No scheme is http://, as curl reads it.
    expect(route("http://api.acme.example", environment)?.address).toBe("plain:8080")
    expect(route("https://api.acme.example", { HTTP_PROXY: "http://plain:8080" })).toBeUndefined()
  })

  it("never proxies loopback", () => {
    for (const baseUrl of [
      "http://127.0.0.1:4010",
      "https://localhost:8443",
      "http://[::1]:4010",
      "http://127.8.0.1"
    ]) {
      expect(route(baseUrl, { HTTP_PROXY: "http://proxy:3128", HTTPS_PROXY: "http://proxy:3128" }), baseUrl).toBe(
        undefined
      )
    }
  })

  it("reads NO_PROXY as curl and Go do", () => {
    const matches = (noProxy: string, host: string, port = 443) => noProxyMatches(noProxy, host, port)
    expect(matches("*", "api.acme.example")).toBe(true)
    expect(matches("acme.example", "api.acme.example")).toBe(true)
    expect(matches(".acme.example", "api.acme.example")).toBe(true)
    expect(matches("*.acme.example", "acme.example")).toBe(true)
    expect(matches(" other.example , ACME.example ", "api.acme.example")).toBe(true)
    expect(matches("cme.example", "api.acme.example")).toBe(false)
    expect(matches("api.acme.example:443", "api.acme.example")).toBe(true)
    expect(matches("api.acme.example:8443", "api.acme.example")).toBe(false)
    expect(matches("10.1.2.3", "10.1.2.3")).toBe(true)
    expect(matches("10.0.0.0/8", "10.1.2.3")).toBe(true)
    expect(matches("10.0.0.0/8", "11.1.2.3")).toBe(false)
    expect(matches("[2001:db8::1]:443", "[2001:db8::1]")).toBe(true)
    expect(matches("2001:db8::/32", "[2001:db8:0:0::5]")).toBe(true)
    expect(matches("10.0.0.0/8", "ten.example")).toBe(false)
    expect(matches("", "api.acme.example")).toBe(false)
    // A fully qualified name with its trailing dot written out is the same host, in the URL or in NO_PROXY.
    expect(matches("acme.example.", "api.acme.example")).toBe(true)
    expect(matches("acme.example", "api.acme.example.")).toBe(true)
    expect(route("https://api.acme.example.", { HTTPS_PROXY: "http://proxy:3128", NO_PROXY: "acme.example" })).toBe(
      undefined
    )
    expect(route("https://api.acme.example", { HTTPS_PROXY: "http://proxy:3128", no_proxy: "acme.example" })).toBe(
      undefined
    )
    // A proxy that is not used is not checked: one set for other tools does not stop a run.
    expect(route("https://api.acme.example", { HTTPS_PROXY: "socks5://proxy:1080", NO_PROXY: "*" })).toBeUndefined()
  })

  it("matches a NO_PROXY name written in Unicode against the API host, which the URL parser writes in ASCII", () => {
    // new URL("https://api.bücher.example").hostname is "api.xn--bcher-kva.example".
    const host = new URL("https://api.bücher.example").hostname
    expect(host).toBe("api.xn--bcher-kva.example")
    for (const entry of ["bücher.example", ".BÜCHER.example", "*.bücher.example", "api.bücher.example:443"]) {
      expect(noProxyMatches(`other.example, ${entry}`, host, 443), entry).toBe(true)
    }
    expect(noProxyMatches("xn--bcher-kva.example", host, 443)).toBe(true)
    expect(noProxyMatches("bücher.example:8443", host, 443)).toBe(false)
    expect(noProxyMatches("bucher.example, bü.example", host, 443)).toBe(false)
    const environment = { HTTPS_PROXY: "http://proxy.corp:3128", NO_PROXY: "bücher.example" }
    expect(route("https://api.bücher.example", environment)).toBeUndefined()
    expect(route("https://api.other.example", environment)?.address).toBe("proxy.corp:3128")
    expect(proxyNotices("https://api.bücher.example", environment)).toEqual([])
  })

  it("ignores a NO_PROXY entry that cannot be written in ASCII, naming it in a notice", () => {
    const environment = {
      HTTPS_PROXY: "http://proxy.corp:3128",
      no_proxy: "bü cher.example, xn--ü.example, 10.0.0.0/8"
    }
    expect(route("https://api.bücher.example", environment)?.address).toBe("proxy.corp:3128")
    const notices = proxyNotices("https://api.acme.example", environment)
    expect(notices).toHaveLength(2)
    expect(notices[0]).toContain('no_proxy entry "bü cher.example" is ignored: it names no host')
    expect(notices[1]).toContain('no_proxy entry "xn--ü.example" is ignored')
    // Only where NO_PROXY is read: with no proxy for the API URL, or to loopback, it says nothing.
    expect(proxyNotices("http://api.acme.example", environment)).toEqual([])
    expect(proxyNotices("https://127.0.0.1:4010", environment)).toEqual([])
  })

  it("says ALL_PROXY is not read where no HTTPS_PROXY or HTTP_PROXY applies, and that SOCKS is not supported", () => {
    const [plain, ...others] = proxyNotices("https://api.acme.example", {
      ALL_PROXY: "http://me:pr0xy-pass@proxy.corp:3128"
    })
    expect(others).toEqual([])
    expect(plain).toContain(
      'ALL_PROXY is set to "http://proxy.corp:3128" (its user name, password or query not shown), but'
    )
    expect(plain).toContain("this tool does not read it: it reads only HTTPS_PROXY / HTTP_PROXY and NO_PROXY")
    expect(plain).toContain("set HTTPS_PROXY to it")
    const [socks] = proxyNotices("http://api.acme.example", { all_proxy: "socks5h://me:pr0xy-pass@proxy.corp:1080" })
    expect(socks).toContain('all_proxy names the SOCKS proxy "socks5h://proxy.corp:1080" (its user name')
    expect(socks).toContain("which this tool does not support")
    expect(socks).toContain("give an HTTP one in HTTP_PROXY")
    // With the host left out, `user:password` does not parse, and the password stands where the port goes: not shown.
    const [hostless] = proxyNotices("https://api.acme.example", { ALL_PROXY: "http://svc:Tr0ub4dor?x" })
    expect(hostless).toContain("ALL_PROXY is set to (not shown, as it may hold a password), but")
    for (const notice of [plain, socks, hostless]) expect(notice).not.toMatch(/me:|pr0xy-pass|svc|Tr0ub4dor/)
    // Not where ALL_PROXY would not apply either: a proxy for the scheme is set, NO_PROXY names the host, loopback.
    const allProxy = { ALL_PROXY: "http://proxy.corp:3128" }
    expect(proxyNotices("https://api.acme.example", { ...allProxy, HTTPS_PROXY: "http://p:3128" })).toEqual([])
    expect(proxyNotices("https://api.acme.example", { ...allProxy, NO_PROXY: "acme.example" })).toEqual([])
    expect(proxyNotices("https://localhost:8443", allProxy)).toEqual([])
    expect(proxyNotices("https://api.acme.example", { ALL_PROXY: " " })).toEqual([])
  })

  it("refuses a proxy on port 0, naming the variable but not the password", () => {
    for (const [baseUrl, variable] of [
      ["https://api.acme.example", "HTTPS_PROXY"],
      ["http://api.acme.example", "http_proxy"]
    ] as const) {
      const refused = proxyRouteFor(baseUrl, { [variable]: "http://me:pr0xy-pass@proxy.corp:0" })
      const message = Either.isLeft(refused) ? refused.left.message : "accepted"
      expect(message, variable).toContain(
        `${variable} "http://proxy.corp:0" (its user name, password or query not shown) names port 0`
      )
      expect(message, variable).toContain("give the proxy's port")
      expect(message, variable).not.toMatch(/me:|pr0xy-pass/)
      if (Either.isLeft(refused)) expect(refused.left.exitCode).toBe(2)
    }
    // As the URL parser reads them: no port is 80, and 00 is port 0 too.
    expect(route("https://api.acme.example", { HTTPS_PROXY: "proxy.corp" })?.port).toBe(80)
    expect(Either.isLeft(proxyRouteFor("https://api.acme.example", { HTTPS_PROXY: "proxy.corp:00" }))).toBe(true)
  })

  it("refuses a proxy port past 65535 saying so, not that a password wants percent-encoding, without the password", () => {
    for (const proxy of ["http://me:pr0xy-pass@proxy.corp:312800", "proxy.corp.example:312800"]) {
      const refused = proxyRouteFor("https://api.acme.example", { HTTPS_PROXY: proxy })
      const message = Either.isLeft(refused) ? refused.left.message : "accepted"
      expect(message, proxy).toContain("names port 312800, which no proxy listens on: ports go from 1 to 65535")
      expect(message, proxy).not.toContain("percent-encoded")
      expect(message, proxy).not.toMatch(/me:|pr0xy-pass/)
    }
  })

  it("refuses a proxy host that is no host name or address, as the API's and the mail relay's, without the password", () => {
    for (const host of ["proxy.corp-", "proxy..corp.example", "-proxy.corp"]) {
      const refused = proxyRouteFor("https://api.acme.example", { HTTPS_PROXY: `http://me:pr0xy-pass@${host}:3128` })
      const message = Either.isLeft(refused) ? refused.left.message : "accepted"
      expect(message, host).toContain(
        `HTTPS_PROXY names the proxy host "${host}", which is not a host name or IP address`
      )
      expect(message, host).toContain("letters, digits, hyphens and underscores between dots")
      expect(message, host).not.toMatch(/me:|pr0xy-pass/)
      if (Either.isLeft(refused)) expect(refused.left.exitCode).toBe(2)
    }
    // An underscore is taken: Docker's resolver answers for a compose service named so.
    expect(route("https://api.acme.example", { HTTPS_PROXY: "http://proxy_corp:3128" })?.hostname).toBe("proxy_corp")
    expect(route("https://api.acme.example", { HTTPS_PROXY: "http://[2001:db8::1]:3128" })?.hostname).toBe(
      "2001:db8::1"
    )
  })

  it("puts the proxy's user name and password in Proxy-Authorization, decoded, and nowhere else", () => {
    const proxy = route("https://api.acme.example", { HTTPS_PROXY: "http://me%40corp:p%3Ass@proxy.corp:3128" })
    expect(proxy?.address).toBe("proxy.corp:3128")
    expect(String(proxy?.login?.authorization)).not.toContain("p:ss")
    expect(JSON.stringify(proxy)).not.toContain("p:ss")
    expect(JSON.stringify(proxy)).not.toContain(Buffer.from("me@corp:p:ss").toString("base64"))
    const authorization = proxy?.login?.authorization
    expect(authorization === undefined ? "" : Redacted.value(authorization)).toBe(
      `Basic ${Buffer.from("me@corp:p:ss").toString("base64")}`
    )
  })

  it("quotes a proxy URL it cannot parse only when it reads as an address, since it may be user:password alone", () => {
    const refusal = (proxyUrl: string) =>
      Either.match(proxyRouteFor("https://api.acme.example", { HTTPS_PROXY: proxyUrl }), {
        onLeft: (error) => error.message,
        onRight: () => "no refusal"
      })
    // The host left out: the password stands where the port goes, and the parser refuses it as one.
    for (const proxyUrl of ["http://svc-audit:Tr0ub4dor-3", "svc-audit:Tr0ub4dor&3", "proxy.corp:Tr0ub4dor"]) {
      const message = refusal(proxyUrl)
      expect(message).toContain("HTTPS_PROXY")
      expect(message).toContain("is not a proxy URL")
      expect(message).not.toContain("Tr0ub4dor")
    }
    // Nor up to a ? or # in the password, which stops the URL before it is parsed.
    for (const proxyUrl of ["http://svc-audit:Tr0ub4dor?3", "svc-audit:Tr0ub4dor#3"]) {
      const message = refusal(proxyUrl)
      expect(message).toContain("is not a proxy URL it can use")
      expect(message).not.toContain("Tr0ub4dor")
    }
    expect(refusal("http://svc-audit:Tr0ub4dor?3@proxy.corp:3128")).toContain('"http://proxy.corp:3128" (its user')
    // A host of one word, as a compose service is named: its port past the highest said, but not quoted.
    for (const proxyUrl of ["http://squid:312800", "squid:312800/"]) {
      const message = refusal(proxyUrl)
      expect(message).toContain(
        "is not a proxy URL: the number after its last colon, if it is meant as the port, is past 65535, the highest port there is; give it as http://host:port"
      )
      expect(message).not.toContain("312800")
    }
    expect(refusal("http://svc-audit:Tr0ub4dor-3")).not.toContain("port there is")
    // One that reads as host and port is quoted, to show what is wrong with it.
    expect(refusal("http://proxy.corp:3128000")).toContain('"http://proxy.corp:3128000"')
  })
})
