/**
 * Secrets given in the environment are taken out of `process.env` as the program starts, and read from a copy held
 * here instead. Left there, they are in every diagnostic report Node writes (its `environmentVariables`): operators
 * set `NODE_OPTIONS=--report-on-fatalerror`, and a run that runs out of memory then leaves the API token and the SMTP
 * password in a JSON file in the working directory, readable as that directory's files are. The program starts no
 * child process, so none needs them. What Node cannot take back stays: the environment the process was started with
 * (`/proc/<pid>/environ`, readable by its own user and root) and a core dump of the process.
 */
import * as ConfigProvider from "effect/ConfigProvider"

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
