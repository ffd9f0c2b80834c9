/**
 * What to do about a refused login, by what the server said. Most refusals (535 5.7.8, RFC 4954) are about the user
 * name or password. Exchange Online (smtp.office365.com) also refuses logins whose password is right, and says why:
 * SMTP AUTH turned off for the organization or the mailbox, security defaults in Microsoft Entra ID (which turn it
 * off), or Basic authentication, a password login and the only one this tool has, no longer taken for client
 * submission. Pointing at the password there sends the user after the wrong fix. Gmail takes no account password
 * over SMTP, only an app password, which an account makes once 2-Step Verification is on: its refusals say which.
 */

/** Microsoft: "550 5.7.30 Basic authentication is not supported for Client Submission." */
const BASIC_AUTH_RETIRED = /basic authentication is not supported/i
/** Microsoft: "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant." */
const SMTP_AUTH_DISABLED = /SmtpClientAuthentication is disabled/i
/** Microsoft: "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults". */
const SECURITY_DEFAULTS = /security defaults/i

/** Gmail: "534-5.7.9 Application-specific password required. ... ?p=InvalidSecondFactor". */
const APP_PASSWORD_REQUIRED = /application-specific password required|InvalidSecondFactor/i
/** Gmail: "535-5.7.8 Username and Password not accepted. Learn more at ...?p=BadCredentials". */
const GOOGLE_BAD_CREDENTIALS = /support\.google\.com\/mail\/\?p=BadCredentials/i

const APP_PASSWORD =
  "an app password, which a Google account with 2-Step Verification makes at myaccount.google.com/apppasswords"

/** The clause after "refused the login ...: ", without the server's reply (quoted after it). */
export const loginAdvice = (response: string | undefined): string => {
  const reply = response ?? ""
  if (BASIC_AUTH_RETIRED.test(reply)) {
    return (
      "it takes no password login (Basic authentication) for client submission, and a password is the only login " +
      "this tool has (no OAuth): set SMTP_URL to a relay that takes one, such as the organization's own"
    )
  }
  if (SMTP_AUTH_DISABLED.test(reply)) {
    return (
      "SMTP AUTH is turned off for the organization or for this mailbox, whatever the password: an Exchange Online " +
      "admin must turn on Authenticated SMTP for the mailbox SMTP_USER names"
    )
  }
  if (SECURITY_DEFAULTS.test(reply)) {
    return (
      "security defaults in Microsoft Entra ID turn SMTP AUTH off, whatever the password: an admin must turn them " +
      "off for SMTP AUTH to work, or set SMTP_URL to another relay"
    )
  }
  if (APP_PASSWORD_REQUIRED.test(reply)) {
    return `the account has 2-Step Verification on, and its own password is not taken over SMTP: give ${APP_PASSWORD}`
  }
  if (GOOGLE_BAD_CREDENTIALS.test(reply)) {
    return `check SMTP_USER and the password: Gmail takes ${APP_PASSWORD}, not the account's own password`
  }
  return "check SMTP_USER and the password"
}
