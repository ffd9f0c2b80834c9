import { readFile, stat } from "node:fs/promises"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** A bundle of every public root is about 200 KiB; the same limit as --smtp-ca-file's. */
const MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024

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
        Effect.promise(async () => {
          // Only a plain file of a CA bundle's size: /dev/zero was read until the string grew past V8's limit
          // (over half a gigabyte of memory, seconds of it), and a pipe no one writes to held the email for good.
          const info = await stat(path).catch(() => undefined)
          if (info?.isFile() !== true || info.size > MAX_CA_BUNDLE_BYTES) return undefined
          const text = await readFile(path, "utf8").catch(() => undefined)
          return text?.includes("-----BEGIN CERTIFICATE-----") === true ? text : undefined
        })
    })
  ),
  Effect.orElseSucceed(() => undefined)
)
