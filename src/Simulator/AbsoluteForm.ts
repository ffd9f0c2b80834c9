/**
 * A request target in absolute form (`GET http://host/users`, what a client sends to a proxy) is served as its path.
 * The router (find-my-way) drops an `http://host` or `https://host` before a path itself, but only in lower case;
 * a scheme is case-insensitive (RFC 3986, 3.1), and Go's server, which the live API's document suggests it runs on,
 * reads `HTTP://host/users` as /users too. Here that was a 404 quoting the host. The router also ends what it drops
 * at the first `/` anywhere, in a query too: `http://h?x/users` was served as /users, and logged as `http://h`. The
 * target is put in origin form before anything else sees it, so the router, the error messages and the request log
 * all take the path alone, and the same one.
 */
import { withUrlRewritten } from "./RequestUrl.js"

const SCHEME_AND_AUTHORITY = /^https?:\/\/[^/?#]*/i
const SLASH = 47

/**
 * The path and query of a target in absolute form, its empty path as `/` (RFC 9112, 3.2.2: `http://host?x` is
 * `/?x`); any other target as it is.
 */
export const originForm = (url: string): string => {
  if (url.charCodeAt(0) === SLASH) return url
  const schemeAndAuthority = SCHEME_AND_AUTHORITY.exec(url)
  if (schemeAndAuthority === null) return url
  const rest = url.slice(schemeAndAuthority[0].length)
  return rest.charCodeAt(0) === SLASH ? rest : `/${rest}`
}

export const absoluteFormAsPath = withUrlRewritten(originForm)
