/**
 * A path with a `~` or `$VARIABLE` that only a shell expands, set where none does (an env file, a crontab's
 * variable line, a systemd unit): said as such, so that "it does not exist" does not send the reader to a folder that
 * does.
 */
import { describe, expect, it } from "vitest"
import { leadingUnexpandedPathHint, unexpandedPathHint } from "../../src/Cli/UnexpandedPath.js"

describe("unexpandedPathHint", () => {
  it.each([
    ["~/reports", "~"],
    ["~", "~"],
    ["~audit/reports", "~audit"],
    ["$HOME/reports", "$HOME"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's ${HOME}, as a compose file holds it
    ["${HOME}/reports", "${HOME}"],
    ["/srv/$AUDIT_DIR", "$AUDIT_DIR"],
    ["%USERPROFILE%\\reports", "%USERPROFILE%"]
  ])("names what a shell would have expanded in %s", (path, token) => {
    expect(unexpandedPathHint(path)).toBe(
      `${token} is expanded only by a shell` +
        `${token.startsWith("~") ? ", at the start of a word (not after a flag's =)" : ""}, ` +
        "not by this tool, nor in an env file, a crontab's variable line " +
        "or a systemd unit: give the full path"
    )
  })

  it.each([["./reports"], ["/srv/reports~old"], ["reports/a~b"], ["/srv/price$"], ["/srv/100%"], ["/srv/a-$-b"]])(
    "says nothing of %s, which no shell would have changed",
    (path) => {
      expect(unexpandedPathHint(path)).toBeUndefined()
    }
  )

  it("names, of a secret's file, only a ~ or a home's variable at the start, never another part of it", () => {
    expect(leadingUnexpandedPathHint("~/secrets/token")).toBe(
      "its path starts with ~, which is expanded only by a shell, at the start of a word (not after a flag's =), " +
        "not by this tool, nor in an env file, a crontab's " +
        "variable line or a systemd unit: give the full path"
    )
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's ${HOME}, as an env file holds it
    expect(leadingUnexpandedPathHint("${HOME}/token")).toContain("its path starts with ${HOME}, which")
    // A password or token given in the variable by mistake: the start of it is not quoted.
    for (const secret of ["~Xy7/abc", "$Xy7/abc", "$HOMEx/abc", "~", "$HOME", "a/$HOME/b"]) {
      expect(leadingUnexpandedPathHint(secret), secret).toBeUndefined()
    }
  })
})
