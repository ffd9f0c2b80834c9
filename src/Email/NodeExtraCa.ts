import { readFile } from "node:fs/promises"
import { Config, Effect, Option } from "effect"

/**
 * The certificates NODE_EXTRA_CA_CERTS names, as PEM text, or undefined when it is unset or cannot be read. Node adds
 * them to its trusted roots for every TLS connection, but a connection given its own `ca` list (SMTP with
 * --smtp-ca-file) trusts that list only, and `tls.rootCertificates` is Node's bundled list without them: so they are
 * read again here. A file that cannot be read is no failure: Node warned of it at start-up already.
 */
export const nodeExtraCaCertificates: Effect.Effect<string | undefined> = Config.option(
  Config.string("NODE_EXTRA_CA_CERTS")
).pipe(
  Effect.map(Option.filter((path) => path.trim() !== "")),
  Effect.flatMap(
    Option.match({
      onNone: () => Effect.succeed(undefined),
      onSome: (path) =>
        Effect.promise(() =>
          readFile(path, "utf8").then(
            (text) => (text.includes("-----BEGIN CERTIFICATE-----") ? text : undefined),
            () => undefined
          )
        )
    })
  ),
  Effect.orElseSucceed(() => undefined)
)
