/**
 * Secrets given in the environment are taken out of `process.env` as the program starts, and read from a copy held
 * here instead. Left there, they are in every diagnostic report Node writes (its `environmentVariables`): operators
 * set `NODE_OPTIONS=--report-on-fatalerror`, and a run that runs out of memory then leaves the API token and the SMTP
 * password in a JSON file in the working directory, readable as that directory's files are. The program starts no
 * child process, so none needs them. What Node cannot take back stays: the environment the process was started with
 * (`/proc/<pid>/environ`, readable by its own user and root) and a core dump of the process.
 */
import * as ConfigProvider from "effect/ConfigProvider"
import { secretsInUrl } from "./QuotableUrl.js"

/** Each variable that holds a secret, or may: the token, the SMTP password, URLs with a login in them. */
export const SECRET_VARIABLES = [
  "PANTHER_API_TOKEN",
  "SMTP_PASSWORD",
  "SMTP_URL",
  "SIMULATOR_TOKEN",
  "SIMULATOR_ADMIN_TOKEN",
  "https_proxy",
  "HTTPS_PROXY",
  "http_proxy",
  "HTTP_PROXY",
  "all_proxy",
  "ALL_PROXY"
] as const

/**
 * Removes the secret variables from `environment` and returns a config provider that reads them as they were, then
 * the rest of the environment as it is: a schedule reads its settings again at every run.
 */
export const takeSecretVariables = (environment: NodeJS.ProcessEnv): ConfigProvider.ConfigProvider => {
  const taken = new Map<string, string>()
  for (const name of SECRET_VARIABLES) {
    const value = environment[name]
    if (value === undefined) continue
    taken.set(name, value)
    delete environment[name]
  }
  return ConfigProvider.fromMap(taken, { pathDelim: "_" }).pipe(ConfigProvider.orElse(() => ConfigProvider.fromEnv()))
}

/** The variables whose whole value is a secret; not the URLs, whose host and port a message must name. */
const WHOLE_SECRET_VARIABLES = [
  "PANTHER_API_TOKEN",
  "SMTP_PASSWORD",
  "SIMULATOR_TOKEN",
  "SIMULATOR_ADMIN_TOKEN"
] as const

/** Shorter than this, a value would be found by chance in a message's words, and redacting it garble them. */
export const MIN_HIDDEN_SECRET = 6

/**
 * The secrets `environment` holds as whole values, for usage errors to hide as they hide the secret flags' values
 * (SecretArguments.ts): @effect/cli quotes a value it refuses (`--format "$PANTHER_API_TOKEN"`, or the token given
 * as a stray argument) before any command has read the token to look for it. Read before `takeSecretVariables`.
 */
export const secretVariableValues = (environment: NodeJS.ProcessEnv): ReadonlyArray<string> =>
  WHOLE_SECRET_VARIABLES.flatMap((name) => {
    const value = environment[name]?.trim() ?? ""
    return value.length >= MIN_HIDDEN_SECRET ? [value] : []
  })

/** The variables that hold a URL, which may carry a login: the mail relay's and the proxies'. */
const URL_VARIABLES = ["SMTP_URL", "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]

/**
 * The URLs of `environment` and `urls` (the secret flags' values: `--smtp-url`) that carry a login, and the
 * passwords in them, as typed and decoded: hiding a URL whole does not hide its password pasted alone where a value
 * goes (`--policy "$password"`). Read before `takeSecretVariables`.
 */
export const urlSecretValues = (environment: NodeJS.ProcessEnv, urls: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...URL_VARIABLES.map((name) => environment[name] ?? ""), ...urls]
    .flatMap(secretsInUrl)
    .filter((value) => value.trim().length >= MIN_HIDDEN_SECRET)
