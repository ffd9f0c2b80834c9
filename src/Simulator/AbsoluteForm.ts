/**
 * A request target in absolute form (`GET http://host/users`, what a client sends to a proxy) is served as its path.
 * The router (find-my-way) drops an `http://host` or `https://host` before a path itself, but only in lower case;
 * a scheme is case-insensitive (RFC 3986, 3.1), and Go's server, which the live API's document suggests it runs on,
 * reads `HTTP://host/users` as /users too. Here that was a 404 quoting the host. The target is put in origin form
 * before anything else sees it, so the router, the error messages and the request log all take the path alone.
 */
import { withUrlRewritten } from "./RequestUrl.js"

const SCHEME_AND_HOST = /^https?:\/\/[^/?#]*(?=\/)/i
const SLASH = 47

/** The path and query of a target in absolute form; any other target as it is. */
export const originForm = (url: string): string =>
  url.charCodeAt(0) === SLASH ? url : url.replace(SCHEME_AND_HOST, "")

export const absoluteFormAsPath = withUrlRewritten(originForm)
