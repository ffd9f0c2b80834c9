/**
 * The secret variables are taken out of the environment as the program starts (so that Node's diagnostic report
 * does not hold them) and read from a copy; their values are collected first, for usage errors to hide. The names
 * are spelled out here, not taken from the program's list: a variable dropped from that list must fail a test.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { secretVariableValues, takeSecretVariables, urlSecretValues } from "../../src/Cli/SecretVariables.js"

const SECRET_NAMES = [
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
]

const URL_NAMES = ["SMTP_URL", "https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]

describe("takeSecretVariables", () => {
  it("takes every secret variable out of the environment, and reads each back from its copy", () => {
    const environment: NodeJS.ProcessEnv = { PANTHER_API_URL: "https://api.acme.example" }
    for (const name of SECRET_NAMES) environment[name] = `value-of-${name}`
    const provider = takeSecretVariables(environment)
    expect(environment).toEqual({ PANTHER_API_URL: "https://api.acme.example" })
    for (const name of SECRET_NAMES) {
      const read = Effect.runSync(Effect.withConfigProvider(Config.string(name), provider))
      expect(read, name).toBe(`value-of-${name}`)
    }
  })
})

describe("secretVariableValues", () => {
  it("are the whole values of the token and password variables, trimmed, from six characters on", () => {
    const values = secretVariableValues({
      PANTHER_API_TOKEN: " pat-token-1 ",
      SMTP_PASSWORD: "relay-pw-2",
      SIMULATOR_TOKEN: "sim-read-3",
      SIMULATOR_ADMIN_TOKEN: "sim-admin-4",
      // A URL's host and port are what a message names: its password is taken by urlSecretValues.
      SMTP_URL: "smtp://relay.example:25",
      PANTHER_API_URL: "https://api.acme.example"
    })
    expect(values).toEqual(["pat-token-1", "relay-pw-2", "sim-read-3", "sim-admin-4"])
    // Five characters are found by chance in a message's own words.
    expect(secretVariableValues({ PANTHER_API_TOKEN: "abcde", SMTP_PASSWORD: "abcdef" })).toEqual(["abcdef"])
  })
})

describe("urlSecretValues", () => {
  it("are the URLs with a login in every URL variable and given, and their passwords as typed and decoded", () => {
    for (const name of URL_NAMES) {
      expect(urlSecretValues({ [name]: "http://user:pw%40secret-1@proxy.example:3128" }, []), name).toEqual([
        "http://user:pw%40secret-1@proxy.example:3128",
        "pw%40secret-1",
        "pw@secret-1"
      ])
    }
    // A password with nothing to decode is the same both ways.
    expect(new Set(urlSecretValues({}, ["smtps://mailer:relay-pw-9@mail.example"]))).toEqual(
      new Set(["smtps://mailer:relay-pw-9@mail.example", "relay-pw-9"])
    )
    // A short password is left to where it stands; without a login there is nothing secret.
    expect(urlSecretValues({ SMTP_URL: "smtp://u:pw@relay.example", HTTPS_PROXY: "http://proxy:3128" }, [])).toEqual([
      "smtp://u:pw@relay.example"
    ])
  })
})
