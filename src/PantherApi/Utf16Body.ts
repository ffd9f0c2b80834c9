/**
 * A body sent in UTF-16 (a server or proxy that re-encodes text, a Windows tool's default) reads, taken as UTF-8, as
 * its characters each beside a NUL, after two U+FFFD for its byte order mark: JSON.parse refuses it, and quoting it
 * back shows the admin a row of replacement characters instead of the reason. This tells it apart, so the message
 * can name the character set, as it does for ISO-8859-1.
 */

/**
 * Two characters of ASCII text, each beside a NUL on the same side: UTF-16 LE (`{\0"\0`) or BE (`\0{\0"`). A line
 * break or tab among them: JSON as PowerShell's ConvertTo-Json and most tools indent it starts `[` or `{` then CRLF.
 */
const UTF16_TEXT = /^(?:\uFFFD\uFFFD)?(?:(?:[\t\n\r\x20-\x7e]\0){2}|(?:\0[\t\n\r\x20-\x7e]){2})/

/**
 * Whether a body JSON.parse refused is UTF-16 text, as far as its first characters show (without a byte order mark,
 * UTF-16 of ASCII text is valid UTF-8: the NULs tell).
 */
export const looksUtf16 = (body: string): boolean => UTF16_TEXT.test(body)

export const UTF16_BODY =
  "the body is in UTF-16, not UTF-8, the encoding JSON is sent in (a server or proxy in between is converting " +
  "answers to another character set)"
