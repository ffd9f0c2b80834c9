/**
 * Why the simulator could not listen, in words an admin can act on. Node's own (`listen EADDRINUSE: address already
 * in use`, `getaddrinfo ENOTFOUND http://127.0.0.1`) name the failure but not the flag to change, nor to what.
 */

export interface ListenAddress {
  readonly host: string
  readonly port: number
}

const FREE_PORT = "give another --port / SIMULATOR_PORT, or 0 to pick a free one"
const SOME_HOST = "127.0.0.1 (the default) for this machine alone, or 0.0.0.0 for every interface"

/** `--host http://127.0.0.1:4010`: a URL, pasted from the banner or a client's settings, is no address to listen on. */
export const hostAsUrlProblem = (host: string): string | undefined =>
  host.includes("://") || host.includes("/")
    ? `--host / SIMULATOR_HOST "${host}" is a URL: give the address alone, such as 127.0.0.1 or 0.0.0.0 ` +
      "(the port goes in --port)"
    : undefined

const codeOf = (cause: unknown): string | undefined => {
  if (typeof cause !== "object" || cause === null || !("code" in cause)) return undefined
  return typeof cause.code === "string" ? cause.code : undefined
}

/** What to do about `cause`, a failure to listen at `address`; undefined where Node's words are all there is. */
export const listenFailureAdvice = (address: ListenAddress, cause: unknown): string | undefined => {
  switch (codeOf(cause)) {
    case "EADDRINUSE":
      // Most often a simulator started earlier, still running in another terminal or container.
      return `another program already listens on port ${address.port} (a simulator started earlier?): stop it, or ${FREE_PORT}`
    case "EACCES":
      return (
        "ports below 1024 need an administrator's rights on most systems: give a port from 1024 up, such as 4010, " +
        "or 0 to pick a free one"
      )
    case "EADDRNOTAVAIL":
      return `${address.host} is not an address of this machine: give one with --host / SIMULATOR_HOST, ${SOME_HOST}`
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return `${address.host} is no name this machine can resolve: give an address with --host / SIMULATOR_HOST, ${SOME_HOST}`
    default:
      return undefined
  }
}
