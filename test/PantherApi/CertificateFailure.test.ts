/**
 * Telling a handshake that failed for want of a common TLS version from the other handshake failures, however Node
 * words it: the reading both the API client and the mail relay's failures use.
 */
import { describe, expect, it } from "vitest"
import { certificateProblem, noSharedTlsVersion } from "../../src/PantherApi/CertificateFailure.js"

describe("noSharedTlsVersion", () => {
  it("reads the server's protocol_version alert by number or by name, and Node refusing an old version", () => {
    // A TLS 1.2 server's alert 70 reaches Node as EPROTO, numbered only in the message.
    expect(noSharedTlsVersion({ code: "EPROTO", alert: 70 })).toBe(true)
    expect(noSharedTlsVersion({ code: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" })).toBe(true)
    // A server that ignores TLS 1.3's version list answers with TLS 1.1, which Node refuses itself.
    expect(noSharedTlsVersion({ code: "ERR_SSL_UNSUPPORTED_PROTOCOL" })).toBe(true)
    expect(
      noSharedTlsVersion({
        code: "EPROTO",
        message: "write EPROTO 80:error:0A000102:SSL routines:ssl_choose_client_version:unsupported protocol"
      })
    ).toBe(true)
  })

  it("leaves other handshake failures to their own readings", () => {
    // Alert 40, handshake failure: what a TLS 1.2 server asking for a client certificate sends.
    expect(noSharedTlsVersion({ code: "EPROTO", alert: 40 })).toBe(false)
    // A port that speaks no TLS.
    expect(noSharedTlsVersion({ code: "EPROTO", message: "write EPROTO ...:wrong version number" })).toBe(false)
    expect(noSharedTlsVersion({ code: "ERR_SSL_WRONG_VERSION_NUMBER" })).toBe(false)
    expect(noSharedTlsVersion({ code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" })).toBe(false)
    expect(noSharedTlsVersion({ code: undefined, message: "unsupported protocol" })).toBe(false)
    // Nor is it a certificate problem.
    expect(certificateProblem("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION")).toBeUndefined()
    expect(certificateProblem("ERR_SSL_UNSUPPORTED_PROTOCOL")).toBeUndefined()
    // An alert naming a certificate is the server ending the handshake for its own reasons, not its certificate
    // refused here: what to do about that certificate would be no help.
    expect(certificateProblem("ERR_SSL_TLSV1_ALERT_CERTIFICATE_UNOBTAINABLE")).toBeUndefined()
    expect(certificateProblem("ERR_SSL_TLSV1_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE")).toBeUndefined()
  })
})
