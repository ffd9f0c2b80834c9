/**
 * A TLS certificate the client refused, in plain words, with what to do. The usual advice for a failed connection
 * (the network path, the timeout) is no help here: a certificate fails the same way every time, and the common cause
 * behind a company gateway or TLS-inspecting proxy, a private CA Node does not know, has one fix Node reads at
 * start-up.
 *
 * What a Node error code says of the certificates (`certificateProblem`) is decided here once, for the API and the
 * mail relay alike; each words the advice for its own settings.
 */

/**
 * What is wrong, by a Node error code: the server asked for a client certificate (which this tool never sends), or
 * the server's own certificate was refused, and why.
 */
export type CertificateProblem =
  | "client-certificate"
  | "unknown-issuer"
  | "self-signed"
  | "expired"
  | "not-yet-valid"
  | "wrong-host"
  | "refused"

export interface CertificateFailure {
  readonly reason: string
  readonly advice: string
}

/** What Node says when no CA it trusts vouches for the server's certificate. */
const UNKNOWN_ISSUER: ReadonlySet<string> = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_UNTRUSTED"
])

/** NODE_EXTRA_CA_CERTS as this process has it: the file it names, and why Node could not use it, if so. */
export interface ExtraCaFile {
  readonly path: string
  /** What is wrong with the file ("cannot be read: ...", "holds no PEM certificate ..."); undefined if nothing. */
  readonly unusable: string | undefined
}

const OTHERWISE =
  "Otherwise something between this machine and --api-url / PANTHER_API_URL presents a certificate it should not: " +
  "check the URL and the network path."

/**
 * How to make Node trust a certificate (or CA) it does not know, and what it means when that is not yours. When
 * NODE_EXTRA_CA_CERTS is set already, what is wrong with what it names: Node skips a file it cannot read or that
 * holds no PEM certificate (a DER `.cer`) without a word, so "set NODE_EXTRA_CA_CERTS" alone would send whoever did
 * looking elsewhere.
 */
const giveToNode = (what: string, file: string, extraCa: ExtraCaFile | undefined): string => {
  const certificate = what.startsWith("a self-signed") ? "that certificate" : "that CA's certificate"
  if (extraCa === undefined) {
    return (
      `If Panther is reached through a gateway or proxy of your own that uses ${what}, give ${certificate} to Node ` +
      `as a PEM file: NODE_EXTRA_CA_CERTS=${file} (in the container, mount the file and set the variable to its ` +
      `path there); Node reads it at start-up. ${OTHERWISE}`
    )
  }
  const named = `NODE_EXTRA_CA_CERTS names "${extraCa.path}"`
  return extraCa.unusable === undefined
    ? `${named}, but no certificate in it vouches for the server's: if Panther is reached through a gateway or ` +
        `proxy of your own that uses ${what}, check that the file holds ${certificate} (openssl s_client ` +
        `-showcerts -connect <host>:443 shows who issued the server's). ${OTHERWISE}`
    : `${named}, which Node could not use: it ${extraCa.unusable}. Give ${certificate} there as a PEM file; Node ` +
        `reads it at start-up. ${OTHERWISE}`
}

/**
 * The server's TLS alerts about the client's certificate (`ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`,
 * `ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE`, ...): the server asking for one (mutual TLS) or refusing it. This tool sends
 * none, so they are never about the server's own certificate, and trusting another CA does not help.
 */
const CLIENT_CERTIFICATE_ALERT =
  /_ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|CERTIFICATE_EXPIRED|CERTIFICATE_UNKNOWN|UNKNOWN_CA|ACCESS_DENIED)$/

export const CLIENT_CERTIFICATE_ADVICE =
  "The API must be reachable without a client certificate: if a gateway or proxy of your own in front of Panther " +
  "demands one, have it let this host through without, or point --api-url / PANTHER_API_URL at an address that " +
  "does not ask for one."

/** TLS's protocol_version alert: the server takes none of the TLS versions the client offered. */
const PROTOCOL_VERSION_ALERT = 70

/**
 * Whether a failed handshake means the two sides have no TLS version in common, most often a server that speaks only
 * TLS 1.1 or older (Node offers 1.2 and later): the server's protocol_version alert, by number (a TLS 1.2 server's
 * alert reaches Node as EPROTO, named only in the message) or by name in the code; or Node refusing the older
 * version a server that ignores TLS 1.3's version list answered with ("unsupported protocol"). Not a certificate
 * problem, and not the client certificate an unnamed alert most often is.
 */
export const noSharedTlsVersion = (failure: {
  readonly code: string | undefined
  readonly message?: string | undefined
  readonly alert?: number | undefined
}): boolean =>
  failure.alert === PROTOCOL_VERSION_ALERT ||
  /_ALERT_PROTOCOL_VERSION$|^ERR_SSL_UNSUPPORTED_PROTOCOL$/.test(failure.code ?? "") ||
  (failure.code === "EPROTO" && /unsupported protocol/i.test(failure.message ?? ""))

/** The certificate problem a Node error code names; undefined for a code that is no certificate problem. */
export const certificateProblem = (code: string): CertificateProblem | undefined => {
  if (CLIENT_CERTIFICATE_ALERT.test(code)) return "client-certificate"
  if (UNKNOWN_ISSUER.has(code)) return "unknown-issuer"
  switch (code) {
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return "self-signed"
    case "CERT_HAS_EXPIRED":
      return "expired"
    case "CERT_NOT_YET_VALID":
      return "not-yet-valid"
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return "wrong-host"
  }
  // Other alerts are the server ending the handshake for reasons of its own, not a certificate of its refused here.
  return /CERT|SELF_SIGNED|VERIFY|SIGNATURE/i.test(code) && !/_ALERT_/.test(code) ? "refused" : undefined
}

/** The certificate failure of the API a Node error code names; undefined for a code that is no certificate problem. */
export const certificateFailure = (code: string, extraCa?: ExtraCaFile): CertificateFailure | undefined => {
  const giveTheCa = giveToNode("certificates from a private CA", "/path/to/ca.pem", extraCa)
  const problem = certificateProblem(code)
  switch (problem) {
    case undefined:
      return undefined
    case "client-certificate":
      return {
        reason: `the server asked for a client certificate (mutual TLS), which this tool does not send (${code})`,
        advice: CLIENT_CERTIFICATE_ADVICE
      }
    case "unknown-issuer":
      return {
        reason: `the server's certificate is not signed by a certificate authority this machine trusts (${code})`,
        advice: giveTheCa
      }
    case "self-signed":
      return {
        reason: `the server's certificate is self-signed, so no certificate authority this machine trusts vouches for it (${code})`,
        advice: giveToNode("a self-signed certificate", "/path/to/cert.pem", extraCa)
      }
    case "expired":
    case "not-yet-valid":
      return {
        reason: `the server's certificate ${problem === "expired" ? "has expired" : "is not valid yet"} (${code})`,
        advice:
          "Check this machine's clock; if it is right, the certificate of the server (or of the proxy in front of it) " +
          "needs renewing."
      }
    case "wrong-host":
      return {
        reason: `the server's certificate is for another host name than the one in the URL (${code})`,
        advice:
          "Check --api-url / PANTHER_API_URL: use the host name the certificate is for, https://api.<instance-domain> " +
          "(an IP address works only when the certificate names it)."
      }
    case "refused":
      return {
        reason: `the server's certificate was refused (${code})`,
        advice: `Check the certificate the server presents (openssl s_client -connect <host>:443). ${giveTheCa}`
      }
  }
}
