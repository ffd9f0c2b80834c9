/**
 * @effect/cli styles its help (bold headings) with ANSI escape sequences whatever stdout is: `--help > flags.txt`, a
 * pager or a CI log got `^[[0;1m` around every heading. They are kept for a terminal only, and left out there too
 * under NO_COLOR (https://no-color.org) or TERM=dumb.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: what is matched is the escape character.
const STYLE_SEQUENCE = /\u001b\[[0-9;]*m/g

/** `text` without its styling. */
export const withoutStyle = (text: string): string => text.replace(STYLE_SEQUENCE, "")

/** Whether the help keeps its styling: on a terminal that can show it, unless NO_COLOR (set and not empty) says no. */
export const helpStyled = (stdoutIsTerminal: boolean, env: NodeJS.ProcessEnv): boolean =>
  stdoutIsTerminal && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb"
