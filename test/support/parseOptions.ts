/**
 * A group of options read as a command takes them: as one field of its options record, from `args` and the
 * variables in `env` (the config provider a command's variables are read from).
 */
import { Command, type Options } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Effect } from "effect"

export const parseOptions = <A>(
  options: Options.Options<A>,
  args: ReadonlyArray<string>,
  env: Record<string, string>
): Promise<A | undefined> => {
  let parsed: A | undefined
  const command = Command.make("t", { group: options }, (input) =>
    Effect.sync(() => {
      parsed = input.group
    })
  )
  return Effect.runPromise(
    Command.run(command, { name: "t", version: "0" })(["node", "t", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.map(() => parsed)
    )
  )
}
