/**
 * The types a schema error names, in the words of someone mending the record in Panther's console rather than of
 * the schema library: `{ readonly id?: string | undefined; ... }` and `Struct (Encoded side)` are an object,
 * `ReadonlyArray<string>` a list of strings, and `undefined` among a field's types is no value, which the field's
 * own "is missing" already covers. These texts land in reports and on stderr, read by auditors and admins.
 */

const STRUCT = /^\{.*\}$|^Struct \((Encoded|Type) side\)$/s
const LIST = /^ReadonlyArray<(.+)>$/s

/** One type, without alternatives, in plain words. */
const plainType = (type: string): string => {
  if (STRUCT.test(type)) return "object"
  const list = LIST.exec(type)
  if (list !== null) {
    const item = plainType(list[1] ?? "")
    // A list of `unknown` (a page's results, each read on its own) is a list of anything: "list" says all of it.
    return /^[a-z]+$/.test(item) && item !== "unknown" ? `list of ${item}s` : "list"
  }
  return type
}

/**
 * What a field was expected to be, from the schema's own words for each alternative (`string | undefined`, or
 * several such texts a union produced), said once each: `string or null`, `object`, `list of strings`.
 */
export const plainExpected = (types: ReadonlyArray<string>): string => {
  const alternatives = types.flatMap((type) => (STRUCT.test(type) ? [type] : type.split(" | "))).map(plainType)
  const said = alternatives.filter((type) => type !== "undefined")
  const kept = said.length === 0 ? alternatives : said
  return [...new Set(kept)].join(" or ")
}
