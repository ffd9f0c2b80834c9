/**
 * What the tests of connections that never come up share: servers on a free loopback port, and a `users create`
 * whose retries show whether the client thought the change could have been made.
 */
import type { Server as HttpsServer } from "node:https"
import type { AddressInfo, Server } from "node:net"
import { type CliResult, runCli } from "../../support/cli.js"

/** Listens on a free port of 127.0.0.1; resolves with the port. */
export const listen = (server: Server | HttpsServer): Promise<number> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)))

export const close = (server: Server | HttpsServer): Promise<unknown> => new Promise((closed) => server.close(closed))

/** `users create` of a new analyst, with `extra` flags (timeouts, retries). */
export const createArgs = (email: string, ...extra: ReadonlyArray<string>): ReadonlyArray<string> => [
  "users",
  "create",
  "--email",
  email,
  "--given-name",
  "N",
  "--family-name",
  "U",
  "--role",
  "Analyst",
  ...extra
]

/** Runs `args` against an https server on 127.0.0.1 whose certificate the CA at `caPath` signed. */
export const runAgainstPrivateCa = (
  args: ReadonlyArray<string>,
  port: number,
  token: string,
  caPath: string
): Promise<CliResult> =>
  runCli(args, {
    env: { PANTHER_API_URL: `https://127.0.0.1:${port}`, PANTHER_API_TOKEN: token, NODE_EXTRA_CA_CERTS: caPath }
  })
