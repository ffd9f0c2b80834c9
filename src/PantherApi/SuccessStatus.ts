/**
 * Which successful statuses an answer is read with. The Users API answers every read (`GET /users`, a user, roles)
 * with 200 and the whole answer; another 2xx to a read is not Panther's answer as described: a 206 is part of it
 * (a cache or proxy serving a byte range), a 203 one a proxy in between changed, a 204 or 205 none at all. Read as
 * a whole page, a partial one would leave users out of the audit without a word, so such an answer is refused,
 * naming its status, and not asked for again (the same server in between answers the same way).
 *
 * A change (create, update, delete) is taken as done on any 2xx, as before: a 201 to a create or a 204 to a delete
 * says Panther made it, and refusing it would tell a script to send the change again. Its body is still checked
 * where one is read (the user a create or update answers with).
 */
import { InvalidResponse } from "./ClientErrors.js"

/** Whether the answer is read as a success: 200 to a read, any 2xx to a change. One comparison in the usual case. */
export const isSuccess = (method: string, status: number): boolean =>
  status === 200 || (status >= 200 && status < 300 && method !== "GET")

/** What the statuses a proxy or cache may answer a read with say of the body. */
const MEANING: Readonly<Record<number, string>> = {
  203: "Non-Authoritative Information, an answer a proxy in between changed",
  204: "No Content, no answer at all",
  205: "Reset Content, no answer at all",
  206: "Partial Content, only part of the answer, as a cache or proxy serving a byte range sends it"
}

/**
 * What to do about a read answered with another 2xx, alone: where an earlier answer from the same address was the
 * API's (the first page, the users before the roles), --api-url is known right and other advice replaces this.
 */
export const OTHER_SUCCESS_ADVICE =
  "Check that --api-url is the API (https://api.<instance-domain>), and that no proxy or cache in between answers " +
  "in Panther's place."

/** Why a 2xx that `isSuccess` does not take for a read is refused; undefined for every other status. */
export const otherSuccess = (method: string, path: string, status: number): InvalidResponse | undefined => {
  if (status < 200 || status >= 300 || isSuccess(method, status)) return undefined
  const meaning = MEANING[status]
  return new InvalidResponse({
    method,
    path,
    reason:
      `it came with the status ${status}${meaning === undefined ? "" : ` (${meaning})`}, where the API answers ` +
      "a read with 200 and the whole answer, so nothing was read from it (a part taken for the whole would leave " +
      "users out)",
    advice: OTHER_SUCCESS_ADVICE
  })
}
