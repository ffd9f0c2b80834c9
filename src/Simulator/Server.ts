/**
 * The simulator, in process: `serveSimulator(options)` starts the Panther Users API simulator inside a scope and
 * returns where it listens and its two keys; closing the scope stops it. The CLI (`panther-audit simulate`), the
 * tests, the demo and the benchmark all start it this way.
 *
 * ```ts
 * const { baseUrl, readToken, adminToken } = yield* serveSimulator({ users: 1000, seed: 7 })
 * ```
 */
import { randomBytes } from "node:crypto"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as LogLevel from "effect/LogLevel"
import type * as Scope from "effect/Scope"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { keyAsSent, keyProblem } from "../PantherApi/HeaderText.js"
import { PantherApi } from "../PantherApi/UsersApi.js"
import { absoluteFormAsPath } from "./AbsoluteForm.js"
import { apiKeyAuthLayer } from "./ApiKeyAuthLive.js"
import { createServerWithJsonClientErrors, requireHost } from "./ClientErrors.js"
import { Cursors, makeCursorCodec } from "./Cursor.js"
import { decodeErrorsLayer } from "./DecodeErrors.js"
import { shapeErrors } from "./ErrorShaping.js"
import { type FaultOptions, injectFaults } from "./Faults.js"
import { fillDirectory } from "./FillDirectory.js"
import { usersOf } from "./GenerateUsers.js"
import { hostAsUrlProblem, listenFailureAdvice } from "./ListenFailure.js"
import { literalPathDelimiters } from "./PathDelimiters.js"
import { DEFAULT_MAX_BODY_BYTES, limitRequestBody } from "./RequestBody.js"
import { logRequests } from "./RequestLog.js"
import { RoleCatalog, Roles } from "./RoleCatalog.js"
import { makeRoles } from "./Roles.js"
import { RolesHttpLive } from "./RolesHttp.js"
import { SimulatedClock, simulatedClockFrom } from "./SimulatedClock.js"
import { ADMIN_TOKEN_PERMISSIONS, DEFAULT_ADMIN_TOKEN, DEFAULT_READ_TOKEN, READ_TOKEN_PERMISSIONS } from "./Tokens.js"
import { Directory } from "./UserDirectory.js"
import { UsersHttpLive } from "./UsersHttp.js"
import type { WireUser } from "./WireUser.js"

export const DEFAULT_HOST = "127.0.0.1"
export const DEFAULT_USERS = 100
export const DEFAULT_SEED = 1

export interface SimulatorOptions {
  /** TCP port; 0 (the default here) picks a free one. The CLI defaults to 4010. */
  readonly port?: number
  /** Interface to listen on. Default 127.0.0.1; 0.0.0.0 in a container. */
  readonly host?: string
  /** How many users to generate. Default 100. Ignored when `data` is given. */
  readonly users?: number
  /** Seed for the generated users. Default 1. */
  readonly seed?: number
  /** Reference time the generated data is relative to, and the simulated clock's start. Default: now. */
  readonly now?: Date
  /** Users to serve instead of generated ones (see `validateUsersData` for reading them from JSON). */
  readonly data?: ReadonlyArray<WireUser>
  /** The key with Read User Info. Default `DEFAULT_READ_TOKEN`. */
  readonly readToken?: string
  /** The key with Read User Info and Manage Users. Default `DEFAULT_ADMIN_TOKEN`. */
  readonly adminToken?: string
  /** Faults to inject; all off by default. */
  readonly faults?: FaultOptions
  /** Largest accepted request body. Default 64 KiB; larger is a 413. */
  readonly maxBodyBytes?: number
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash: paths hang directly off it (`/users`). */
  readonly baseUrl: string
  readonly host: string
  readonly port: number
  readonly readToken: string
  readonly adminToken: string
  /** Users served at start-up. */
  readonly userCount: number
  /** The reference time the data was generated against. */
  readonly now: Date
}

/**
 * Paths as the API has them: the router's defaults also matched `/Users` and `//users`, so a client's miscased or
 * doubly slashed path passed every test here and would fail against Panther, and they refused an id over 100
 * characters with a 400 before its key was even checked. A trailing slash is another path too: accepted, `POST
 * /users/` created a user (an update script with an empty id) while `DELETE /users/` was a 404.
 */
const ROUTER_CONFIG = {
  caseSensitive: true,
  ignoreDuplicateSlashes: false,
  ignoreTrailingSlash: false,
  // Any id a request line can carry: Node refuses headers over 16 KiB first.
  maxParamLength: 16 * 1024
} as const

const refuse = (message: string) => Effect.fail(new ConfigurationError({ message }))

/**
 * The two keys as a client sends them (without space around them, as the client takes its own token), or why they
 * cannot be served: a key no request could present (or the client would not send) would answer every request with
 * a 401. Never quoted.
 */
const checkTokens = (given: { readonly readToken: string; readonly adminToken: string }) => {
  const readToken = keyAsSent(given.readToken)
  const adminToken = keyAsSent(given.adminToken)
  if (readToken === "" || adminToken === "") return refuse("the simulator's API keys must not be empty")
  for (const [which, key] of [
    ["the read key (--token / SIMULATOR_TOKEN)", readToken],
    ["the admin key (--admin-token / SIMULATOR_ADMIN_TOKEN)", adminToken]
  ] as const) {
    // The client sends no longer token: a key past it would work with curl, and with no command of this tool.
    const problem = keyProblem(key, which, "API key")
    if (problem !== undefined) {
      return refuse(
        problem.reason === "too-long"
          ? `${problem.text}: give the key alone`
          : `${problem.text}, so no request could present it: give a key on one line, in printable characters`
      )
    }
  }
  if (readToken === adminToken) return refuse("the read key and the admin key must differ")
  return Effect.succeed({ readToken, adminToken })
}

/** The URL a client on this machine uses: a wildcard listen address is reached through loopback. */
const baseUrlFor = (hostname: string, port: number): string => {
  const host = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`
}

export const serveSimulator = (
  options: SimulatorOptions = {}
): Effect.Effect<RunningSimulator, ConfigurationError, Scope.Scope> =>
  Effect.gen(function* () {
    const { readToken, adminToken } = yield* checkTokens({
      readToken: options.readToken ?? DEFAULT_READ_TOKEN,
      adminToken: options.adminToken ?? DEFAULT_ADMIN_TOKEN
    })
    const host = options.host ?? DEFAULT_HOST
    const urlAsHost = hostAsUrlProblem(host)
    if (urlAsHost !== undefined) return yield* refuse(urlAsHost)
    const port = options.port ?? 0
    const now = options.now ?? new Date()
    const catalog = new RoleCatalog(makeRoles(now))
    const directory = yield* fillDirectory(
      options.data === undefined
        ? usersOf({ count: options.users ?? DEFAULT_USERS, seed: options.seed ?? DEFAULT_SEED, now })
        : options.data.map((user) => ({ ...user, role: catalog.complete(user.role) }))
    )
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES

    const state = Layer.mergeAll(
      Layer.succeed(Directory, directory),
      Layer.succeed(Roles, catalog),
      // A fresh secret per run: cursors from an earlier run are refused as stale.
      Layer.succeed(Cursors, makeCursorCodec(randomBytes(32))),
      Layer.succeed(SimulatedClock, simulatedClockFrom(now)),
      apiKeyAuthLayer([
        { token: readToken, permissions: READ_TOKEN_PERMISSIONS },
        { token: adminToken, permissions: ADMIN_TOKEN_PERMISSIONS }
      ])
    )
    const api = HttpApiBuilder.api(PantherApi).pipe(
      Layer.provide(Layer.mergeAll(UsersHttpLive, RolesHttpLive)),
      Layer.provide(state)
    )
    const faults = injectFaults(options.faults ?? {})
    // Requests are logged at info; with that level off (`--log-level warning` or above, as the benchmark runs it)
    // the wrapper is left out rather than run for nothing on every request.
    const minimumLevel = yield* FiberRef.get(FiberRef.currentMinimumLogLevel)
    const log = LogLevel.greaterThan(minimumLevel, LogLevel.Info)
      ? <A>(app: A): A => app
      : logRequests([readToken, adminToken])
    const errors = shapeErrors([readToken, adminToken])
    let nodeServer: ReturnType<typeof createServerWithJsonClientErrors> | undefined
    const createNodeServer = () => {
      nodeServer = createServerWithJsonClientErrors()
      return nodeServer
    }
    const bodies = limitRequestBody(maxBodyBytes)
    // The wrappers go around the app itself, not into `HttpServer.serve`'s middleware slot: by the time that
    // middleware runs, an error has already been written out as an empty response.
    const server = HttpApiBuilder.httpApp.pipe(
      Effect.map((app) =>
        HttpServer.serve(absoluteFormAsPath(log(requireHost(faults(errors(bodies(literalPathDelimiters(app))))))))
      ),
      Layer.unwrapEffect,
      // No tracer is set up, and a span per request with its attributes was a tenth of the time per page.
      HttpMiddleware.withTracerDisabledWhen(() => true),
      Layer.provide([HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer, decodeErrorsLayer]),
      Layer.provide(HttpRouter.setRouterConfig(ROUTER_CONFIG)),
      Layer.provide(api),
      Layer.provideMerge(NodeHttpServer.layer(createNodeServer, { port, host }))
    )
    const context = yield* Layer.build(server).pipe(
      Effect.mapError((error) => {
        const advice = listenFailureAdvice({ host, port }, error.cause)
        const reason = error.cause instanceof Error ? error.cause.message : String(error.cause)
        return new ConfigurationError({
          message: `the simulator cannot listen on ${host}:${port}: ${reason}${advice === undefined ? "" : `; ${advice}`}`
        })
      })
    )
    // Before the server's own release, which waits for every request in progress: one held by --latency-ms, or by a
    // client that never finished sending it, kept a stopped simulator up until its 5 s grace ran out (StopSignals.ts),
    // which then said it had ended without winding down. Stopped, it stops listening and cuts those requests off, as
    // a server going down does.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        nodeServer?.close()
        nodeServer?.closeAllConnections()
      })
    )
    const address = Context.get(context, HttpServer.HttpServer).address
    const boundPort = address._tag === "TcpAddress" ? address.port : port
    return {
      baseUrl: baseUrlFor(host, boundPort),
      host,
      port: boundPort,
      readToken,
      adminToken,
      userCount: directory.size,
      now
    }
  })
