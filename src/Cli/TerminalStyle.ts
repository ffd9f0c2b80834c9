/**
 * @effect/cli styles its help (bold headings) with ANSI escape sequences whatever stdout is: `--help > flags.txt`, a
 * pager or a CI log got `^[[0;1m` around every heading. Effect's pretty logger colours its lines by whether stdout is a
 * terminal, though they go to stderr: `2> run.log` at a terminal got colour codes in the file. Both are kept for a
 * terminal only, and left out there too under NO_COLOR (https://no-color.org) or TERM=dumb.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: what is matched is the escape character.
const STYLE_SEQUENCE = /\u001b\[[0-9;]*m/g

/** `text` without its styling. */
export const withoutStyle = (text: string): string => text.replace(STYLE_SEQUENCE, "")

/**
 * Whether what goes to a stream is styled: only where that stream is a terminal that can show it, unless NO_COLOR
 * (set and not empty) says no. The help on stdout, and the pretty log lines on stderr, each by its own stream.
 */
export const styledOn = (streamIsTerminal: boolean, env: NodeJS.ProcessEnv): boolean =>
  streamIsTerminal && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb"
