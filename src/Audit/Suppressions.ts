/**
 * Suppressions: known exceptions, accepted by a named owner until a date. A suppressed finding stays in every
 * report, marked with its reason, but no longer fails the run, triggers email or counts as a change. An expired
 * entry stops suppressing and is listed; an entry that matched nothing is listed as unused. A file that cannot be
 * read exactly is a configuration error: a typo must never silently un-suppress, or suppress, anything.
 */
import { isUtf8 } from "node:buffer"
import * as Effect from "effect/Effect"
import { type Document, isNode, isSeq, LineCounter, parseDocument, YAMLError } from "yaml"
import { ConfigurationError } from "../Cli/ConfigurationError.js"
import { readInputFile } from "../Cli/InputFile.js"
import { type InputFileSecrets, inputFileMessage, NO_INPUT_FILE_SECRETS, quoteOfFile } from "../Cli/InputFileSecrets.js"
import { revealsAny } from "../Cli/Redact.js"
import { describeFsErrorOfPath } from "../Cli/UnexpandedPath.js"
import { FINDING_CODES, type FindingCode } from "./Finding.js"
import { isRunLevel } from "./FindingAnnotations.js"
import { DAY_MS, parseTimestamp } from "./Timestamps.js"
import { unclosedQuoteReason } from "./UnclosedQuote.js"

export interface SuppressionEntry {
  /** 1-based position in the file, for messages. */
  readonly entry: number
  /** An email (matched case-insensitively) or a user id. */
  readonly user: string
  readonly finding: FindingCode | "*"
  readonly reason: string
  readonly owner: string
  /** As written in the file. */
  readonly expires: string
  /** The first instant the entry no longer applies. */
  readonly expiresAt: number
}

const FIELDS = ["user", "finding", "reason", "owner", "expires"] as const
/** A run-level finding (LOGIN_DATA_MISSING) is of no user, so an entry, which names one, could never match it. */
const SUPPRESSIBLE_CODES = FINDING_CODES.filter((code) => !isRunLevel(code))
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A date means "through that day" (UTC); a full timestamp means "until that instant". */
const parseExpiry = (text: string): number | undefined => {
  const date = DATE_ONLY.exec(text)
  if (date === null) return parseTimestamp(text)
  const start = parseTimestamp(`${text}T00:00:00Z`)
  return start === undefined ? undefined : start + DAY_MS
}

/**
 * What to write instead of a bare `*`, which YAML reads as an alias: by the key it was written for, found before the
 * error's place, since a wildcard means something only for `finding`.
 */
const bareStarHint = (text: string, position: number | undefined, quote: (text: string) => string): string => {
  const before = position === undefined ? "" : text.slice(0, position)
  const key = /(\w+)\s*:\s*$/u.exec(before)?.[1]
  if (key === "finding") return ' (to match every finding write finding: "*" with the quotes)'
  if (key === "user") return " (an entry names one user by email or user id; there is no wildcard for users)"
  return key === undefined ? " (* starts a YAML alias; put text in quotes)" : ` (put the ${quote(key)} in quotes)`
}

/**
 * What YAML made of a value written without quotes (`expires: 20270331`, `user: 12345`), and how to write it: such a
 * value is there, so "required" would send the reader looking for a field they can see.
 */
const describeNonText = (field: string, value: unknown, quote: (text: string) => string): string => {
  if (Array.isArray(value)) return `a list${field === "finding" ? ': write one entry per finding, or "*" for all' : ""}`
  if (typeof value === "object") return "a mapping"
  const shown = `${typeof value === "number" ? "the number " : ""}${quote(String(value))}`
  return field === "expires" ? `${shown}: write the date as YYYY-MM-DD` : `${shown}: put it in quotes`
}

/** What a message says when saying more would quote a secret, even with the secret redacted (see Redact.ts). */
const NOT_SHOWN =
  "--suppressions / AUDIT_SUPPRESSIONS: the file is not a suppressions file it can use; what is wrong is not shown, " +
  "as saying it would quote a secret"

/** Fails with `message` about the file, scrubbed of the secrets (see InputFileSecrets.ts). */
const failWith = (known: InputFileSecrets, message: string) =>
  Effect.fail(new ConfigurationError({ message: inputFileMessage(known, message, NOT_SHOWN) }))

/**
 * The YAML parser's message with what it quotes of the file scrubbed: its words, then "at line L, column C", then
 * the line itself under a code frame. The place is kept whatever the line holds.
 */
const yamlReason = (error: unknown, quote: (text: string) => string): string => {
  if (!(error instanceof Error)) return quote(String(error))
  const linePos = error instanceof YAMLError ? error.linePos?.[0] : undefined
  if (linePos === undefined) return quote(error.message)
  const place = ` at line ${linePos.line}, column ${linePos.col}`
  const at = error.message.indexOf(place)
  if (at === -1) return quote(error.message)
  const frame = error.message.slice(at + place.length)
  const framed = frame.startsWith(":\n\n") ? `:\n\n${quote(frame.slice(3).replace(/\n$/u, ""))}\n` : quote(frame)
  return `${quote(error.message.slice(0, at))}${place}${framed}`
}

/**
 * The text last read without fault, and its entries. A run reads the file twice, at start-up to fail early and again
 * when it audits, and a schedule at every run; the YAML parser takes seconds and hundreds of megabytes on a file of
 * some megabytes (15 MB: about 7 s and 760 MiB), so the same text is not parsed again. The entries depend on the text
 * alone; only errors, which are never kept, name the file and withhold secrets.
 */
let lastRead: { readonly text: string; readonly entries: ReadonlyArray<SuppressionEntry> } | undefined

export const parseSuppressions = (
  text: string,
  source: string,
  known: InputFileSecrets = NO_INPUT_FILE_SECRETS
): Effect.Effect<ReadonlyArray<SuppressionEntry>, ConfigurationError> =>
  Effect.suspend(() =>
    lastRead?.text === text
      ? Effect.succeed(lastRead.entries)
      : Effect.tap(parseSuppressionsText(text, source, known), (entries) => {
          lastRead = { text, entries }
        })
  ).pipe(Effect.tap((entries) => refuseSecretsIn(entries, source, known)))

/**
 * Every field of an entry is written out: its reason and owner beside each finding it suppresses in the reports and
 * the email, its user among the unused entries. A token or password pasted into one (a ticket's text copied whole)
 * would be in all of them. Checked after the cache, against the secrets of this run: a schedule's may have changed.
 */
const refuseSecretsIn = (entries: ReadonlyArray<SuppressionEntry>, source: string, known: InputFileSecrets) => {
  for (const entry of entries) {
    const field = (["user", "finding", "reason", "owner", "expires"] as const).find((name) =>
      revealsAny(entry[name], known.secrets)
    )
    if (field !== undefined) {
      return failWith(
        known,
        `suppressions file ${source}: entry ${entry.entry}: \`${field}\` holds the API token or a password (not ` +
          "shown), which every report and email naming the entry would quote: take it out, and rotate it if the " +
          "file was shared"
      )
    }
  }
  return Effect.void
}

/** Which of the JSON files this tool writes the parsed file is, if it is one, said as such. */
const jsonOfThisTool = (document: object): string | undefined => {
  if ("run" in document && "findings" in document) return "a findings report (user-audit-<stamp>.json)"
  if ("inventory" in document && "users" in document) return "an export's inventory (inventory-<stamp>.json)"
  if ("format" in document && "files" in document) return "an export's manifest.json"
  return undefined
}

/** Which of the CSV files this tool writes the text is, by its header, if it is one. */
const csvOfThisTool = (text: string): string | undefined => {
  const header = text.replace(/^\uFEFF/, "")
  if (header.startsWith("severity,finding,user_id,")) return "a findings report (user-audit-<stamp>.csv)"
  if (header.startsWith("privileged,role_name,")) return "an access review workbook (access-review-<stamp>.csv)"
  if (header.startsWith("user_id,email,given_name,")) return "an export's inventory (inventory-<stamp>.csv)"
  return undefined
}

const parseSuppressionsText = (
  text: string,
  source: string,
  known: InputFileSecrets
): Effect.Effect<ReadonlyArray<SuppressionEntry>, ConfigurationError> =>
  Effect.gen(function* () {
    const fail = (message: string) => failWith(known, `suppressions file ${source}: ${message}`)
    const quote = (piece: string) => quoteOfFile(known, piece)
    const notSuppressions = (other: string) =>
      fail(`it is ${other}, not a suppressions file, which holds {suppressions: [...]}: check the path given`)
    // A CSV of this tool, told by its header before YAML reads it: a cell holding ": " would fail the parser first.
    const csv = csvOfThisTool(text)
    if (csv !== undefined) return yield* notSuppressions(csv)
    let document: unknown
    const lines = new LineCounter()
    let parsed: Document.Parsed | undefined
    try {
      // YAML is a superset of JSON, so one parser reads both. The core schema, whatever the file says: a `%YAML 1.1`
      // line or a `!!timestamp` tag would otherwise make an expiry a Date, which no longer says whether it was a
      // day (held through) or an instant. Such a tag is left unresolved and its value read as written, without a
      // warning on stderr. The document, not only its value, is kept: it knows the line each entry starts on.
      parsed = parseDocument(text, {
        prettyErrors: true,
        schema: "core",
        resolveKnownTags: false,
        logLevel: "error",
        lineCounter: lines
      })
      const [error] = parsed.errors
      if (error !== undefined) throw error
      document = parsed.toJS()
    } catch (error) {
      // The parser recurses: a value nested some hundreds of levels deep (`[[[[...]]]]`) overflows its stack, which it
      // reports in V8's words ("Maximum call stack size exceeded"), as if the tool had failed, not the file.
      if (error instanceof Error && /Maximum call stack size exceeded/.test(error.message)) {
        const at = error instanceof YAMLError ? error.linePos?.[0] : undefined
        return yield* fail(
          `a value is nested too deeply to read${at === undefined ? "" : ` (at line ${at.line}, column ${at.col})`}, ` +
            "as in no suppressions file: check that it is the right file"
        )
      }
      // The parser's words for it advise a programmer to call another function of its own.
      if (error instanceof YAMLError && error.code === "MULTIPLE_DOCS") {
        const line = error.linePos?.[0].line
        return yield* fail(
          `it holds more than one YAML document (${line === undefined ? "a" : `line ${line} is a`} \`---\` line ` +
            "starting another): put every entry in the one `suppressions` list"
        )
      }
      const unclosed = unclosedQuoteReason(text, error, lines)
      if (unclosed !== undefined) return yield* fail(`not valid YAML or JSON: ${unclosed}`)
      const reason = yamlReason(error, quote)
      // The wildcard is the one value people write that YAML reads as syntax.
      const position = error instanceof YAMLError ? error.pos[0] : undefined
      const hint = /alias/i.test(reason) ? bareStarHint(text, position, quote) : ""
      return yield* fail(`not valid YAML or JSON${hint}: ${reason}`)
    }
    if (typeof document !== "object" || document === null || !("suppressions" in document)) {
      const other = typeof document === "object" && document !== null ? jsonOfThisTool(document) : undefined
      return yield* other === undefined
        ? fail("expected a document of the form {suppressions: [...]}")
        : notSuppressions(other)
    }
    // Beside the list, a key is a typo (`suppresion:` holding entries added later) whose entries would go unread.
    const otherKeys = Object.keys(document).filter((key) => key !== "suppressions")
    if (otherKeys.length > 0) {
      return yield* fail(
        `unknown key ${otherKeys.map((key) => quote(JSON.stringify(key))).join(", ")} beside \`suppressions\`; ` +
          "every entry goes in the one `suppressions` list"
      )
    }
    // `suppressions:` with every entry removed or commented out is YAML's null: no exceptions, not a broken file that
    // fails the nightly run once the last exception is taken out.
    const list = document.suppressions ?? []
    if (!Array.isArray(list)) return yield* fail("`suppressions` must be a list of entries")
    const entries: Array<SuppressionEntry> = []
    const nodes = parsed?.get("suppressions", true)
    /**
     * How a message names an entry: by the line it starts on too, since "entry 57" of a long file (or of one with
     * entries commented out) is not found by counting.
     */
    const entryAt = (index: number): string => {
      const node = isSeq(nodes) ? nodes.items[index] : undefined
      const offset = isNode(node) ? node.range?.[0] : undefined
      return `${offset === undefined ? "" : `line ${lines.linePos(offset).line}, `}entry ${index + 1}`
    }
    for (const [index, raw] of list.entries()) {
      const entry = index + 1
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        return yield* fail(`${entryAt(index)} must be an object with ${FIELDS.join(", ")}`)
      }
      const record = raw as Record<string, unknown>
      const unknownKeys = Object.keys(record).filter((key) => !(FIELDS as ReadonlyArray<string>).includes(key))
      if (unknownKeys.length > 0) {
        return yield* fail(
          `${entryAt(index)}: unknown field ${unknownKeys.map(quote).join(", ")}; the fields are ${FIELDS.join(", ")}`
        )
      }
      const values: Record<string, string> = {}
      for (const field of FIELDS) {
        const value = record[field]
        if (value !== undefined && value !== null && typeof value !== "string") {
          return yield* fail(
            `${entryAt(index)}: \`${field}\` must be text, not ${describeNonText(field, value, quote)}`
          )
        }
        if (typeof value !== "string" || value.trim() === "") {
          return yield* fail(`${entryAt(index)}: \`${field}\` is required and must be non-empty text`)
        }
        values[field] = value.trim()
      }
      const { user = "", finding = "", reason = "", owner = "", expires = "" } = values
      if (user === "*") {
        return yield* fail(
          `${entryAt(index)}: user "*" matches no one; an entry names one user by email or user id (the wildcard is for \`finding\`)`
        )
      }
      const code = finding === "*" ? "*" : FINDING_CODES.find((candidate) => candidate === finding)
      const codes = `use one of ${SUPPRESSIBLE_CODES.join(", ")} or *`
      if (code === undefined) {
        // Codes are matched as written, as the reports write them; a code in another case is named, not guessed at.
        const inCapitals = FINDING_CODES.find((candidate) => candidate === finding.toUpperCase())
        const meant = inCapitals === undefined ? "" : ` (codes are written in capitals: ${inCapitals})`
        return yield* fail(
          `${entryAt(index)} (${quote(user)}): finding "${quote(finding)}" is not a finding code${meant}; ${codes}`
        )
      }
      if (code !== "*" && isRunLevel(code)) {
        return yield* fail(
          `${entryAt(index)} (${quote(user)}): ${code} is about the whole run, not one user, so no entry can suppress it; ${codes}`
        )
      }
      const expiresAt = parseExpiry(expires)
      if (expiresAt === undefined) {
        return yield* fail(
          `${entryAt(index)} (${quote(user)}): expires "${quote(expires)}" is not a date; use YYYY-MM-DD`
        )
      }
      entries.push({ entry, user, finding: code, reason, owner, expires, expiresAt })
    }
    return entries
  })

/** Thousands of entries fit in a few hundred kilobytes; past this it is not a suppressions file. */
const MAX_SUPPRESSIONS_BYTES = 16 * 1024 * 1024

/**
 * The file's bytes as text, or why they are not UTF-8: read as UTF-8 regardless, a file saved as UTF-16 (Windows
 * PowerShell's `>`, Notepad's "Unicode") was refused as not being `{suppressions: [...]}`, and a Windows-1252 one had
 * each accented letter of a name or reason turned into U+FFFD in every report.
 */
const suppressionsText = (
  bytes: Buffer,
  path: string,
  known: InputFileSecrets
): Effect.Effect<string, ConfigurationError> => {
  const fail = (message: string) => failWith(known, `suppressions file ${path}: ${message}`)
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail("it is UTF-16 text; save it as UTF-8")
  }
  if (!isUtf8(bytes)) {
    let line = 1
    for (let start = 0; start < bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start)
      const stop = end === -1 ? bytes.length : end
      if (!isUtf8(bytes.subarray(start, stop))) break
      start = stop + 1
    }
    return fail(`line ${line} is not UTF-8 text (saved as Windows-1252 or Latin-1?); save the file as UTF-8`)
  }
  // A byte order mark in front left out (Notepad writes one).
  return Effect.succeed(bytes.toString("utf8").replace(/^\uFEFF/u, ""))
}

/**
 * `known`: the invocation's secrets, read before this file, which its errors must not quote: the file named may be a
 * secret's own, by mistake, or hold one on the line at fault.
 */
export const loadSuppressions = (
  path: string,
  known: InputFileSecrets = NO_INPUT_FILE_SECRETS
): Effect.Effect<ReadonlyArray<SuppressionEntry>, ConfigurationError> =>
  Effect.tryPromise({
    try: (signal) => readInputFile(path, MAX_SUPPRESSIONS_BYTES, "a suppressions file", signal),
    // A path with a ~ or $VARIABLE that a compose file passed on as written is said so: no file gone.
    catch: (error) =>
      new ConfigurationError({
        message: inputFileMessage(
          known,
          `--suppressions / AUDIT_SUPPRESSIONS ${path} cannot be read: ${describeFsErrorOfPath(error, path)}`,
          NOT_SHOWN
        )
      })
  }).pipe(
    Effect.flatMap((bytes) => suppressionsText(bytes, path, known)),
    Effect.flatMap((text) => parseSuppressions(text, path, known))
  )

export interface SuppressionOutcome {
  readonly active: number
  readonly expired: ReadonlyArray<SuppressionEntry>
  /** Active entries that matched no finding (the shadowed ones left out: they say why themselves). */
  readonly unused: ReadonlyArray<SuppressionEntry>
  /**
   * Active entries an earlier active entry for the same user and finding (or `*`) always comes before: never used
   * while it holds. Usually a renewal appended without removing the old entry.
   */
  readonly shadowed: ReadonlyArray<{ readonly entry: SuppressionEntry; readonly by: SuppressionEntry }>
  /**
   * Entries that suppressed findings of more than one account (user ids, or emails where a finding has no id):
   * an email matches whatever its case, and two accounts can hold one address in different cases.
   */
  readonly spread: ReadonlyArray<{ readonly entry: SuppressionEntry; readonly accounts: ReadonlyArray<string> }>
}

export interface SuppressionMatcher {
  /** The entry that suppresses this finding, if any; remembers that it was used. */
  readonly match: (finding: {
    readonly finding: FindingCode
    readonly userId: string | null
    readonly email: string | null
  }) => SuppressionEntry | undefined
  /**
   * What the entries did. Findings of the codes in `leftOut` were matched but are in no report (NEVER_LOGGED_IN when
   * LOGIN_DATA_MISSING replaced it): an entry that matched only those suppressed nothing, and is listed as unused.
   */
  readonly outcome: (leftOut?: ReadonlySet<FindingCode>) => SuppressionOutcome
}

export const makeSuppressionMatcher = (entries: ReadonlyArray<SuppressionEntry>, asOf: number): SuppressionMatcher => {
  const active = entries.filter((entry) => entry.expiresAt > asOf)
  const byUser = new Map<string, Array<SuppressionEntry>>()
  for (const entry of active) {
    const key = entry.user.toLowerCase()
    byUser.set(key, [...(byUser.get(key) ?? []), entry])
  }
  /** The accounts each entry suppressed findings of, by the findings' code. */
  const accountsByCode = new Map<SuppressionEntry, Map<FindingCode, Set<string>>>()
  /** Entries that fit a finding an earlier entry (by another spelling of the user: id or email) suppressed first. */
  const overruledBy = new Map<SuppressionEntry, SuppressionEntry>()
  return {
    match: (finding) => {
      // Most runs have no suppressions: every finding passes here, so that case costs nothing.
      if (byUser.size === 0) return undefined
      const fitting = [
        ...(finding.userId === null ? [] : (byUser.get(finding.userId.toLowerCase()) ?? [])),
        ...(finding.email === null ? [] : (byUser.get(finding.email.toLowerCase()) ?? []))
      ].filter((candidate) => candidate.finding === "*" || candidate.finding === finding.finding)
      // The earliest entry in the file applies, whether it names the user by id or by email, as for one spelling.
      let entry: SuppressionEntry | undefined
      for (const candidate of fitting) if (entry === undefined || candidate.entry < entry.entry) entry = candidate
      if (entry !== undefined) {
        const byCode = accountsByCode.get(entry) ?? new Map<FindingCode, Set<string>>()
        accountsByCode.set(entry, byCode)
        const accounts = byCode.get(finding.finding) ?? new Set<string>()
        byCode.set(finding.finding, accounts)
        accounts.add(finding.userId ?? finding.email?.toLowerCase() ?? "")
        for (const candidate of fitting) {
          if (candidate !== entry && !overruledBy.has(candidate)) overruledBy.set(candidate, entry)
        }
      }
      return entry
    },
    outcome: (leftOut = new Set()) => {
      const accountsOf = new Map<SuppressionEntry, Set<string>>()
      for (const [entry, byCode] of accountsByCode) {
        const accounts = new Set<string>()
        for (const [code, ofCode] of byCode) if (!leftOut.has(code)) for (const account of ofCode) accounts.add(account)
        if (accounts.size > 0) accountsOf.set(entry, accounts)
      }
      const shadowed = active.flatMap((entry) => {
        const by = (byUser.get(entry.user.toLowerCase()) ?? []).find(
          (earlier) =>
            earlier !== entry &&
            earlier.entry < entry.entry &&
            (earlier.finding === "*" || earlier.finding === entry.finding)
        )
        return by === undefined ? [] : [{ entry, by }]
      })
      const isShadowed = new Set(shadowed.map(({ entry }) => entry))
      // An entry that fit findings but never applied, since an earlier one naming the user otherwise came first.
      for (const [entry, by] of overruledBy) {
        if (!accountsOf.has(entry) && !isShadowed.has(entry)) {
          shadowed.push({ entry, by })
          isShadowed.add(entry)
        }
      }
      shadowed.sort((a, b) => a.entry.entry - b.entry.entry)
      return {
        active: active.length,
        expired: entries.filter((entry) => entry.expiresAt <= asOf),
        unused: active.filter((entry) => !accountsOf.has(entry) && !isShadowed.has(entry)),
        shadowed,
        spread: [...accountsOf]
          .filter(([, accounts]) => accounts.size > 1)
          .map(([entry, accounts]) => ({ entry, accounts: [...accounts] }))
      }
    }
  }
}

export const suppressionReason = (entry: SuppressionEntry): string =>
  `${entry.reason} (owner ${entry.owner}, expires ${entry.expires}, entry ${entry.entry})`
