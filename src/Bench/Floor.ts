/**
 * The floor: the least any client can do to read every user. It fetches the same pages as `run` (`GET /users`,
 * limit 60, the same filters, following `next`) with plain `fetch` and `JSON.parse`, and does nothing else. It
 * runs as its own process, like the audit, so both pay Node's start-up; it imports nothing but Node.
 *
 * Environment: `BENCH_API_URL`, `BENCH_API_TOKEN`. Prints `{"users":N,"pages":P}` on stdout when done.
 */

const PAGE_LIMIT = "60"
/** No run of the benchmark pages this far; past it the cursors are going round. */
const MAX_PAGES = 1_000_000

const baseUrl = process.env.BENCH_API_URL ?? ""
const token = process.env.BENCH_API_TOKEN ?? ""

const readPage = (body: unknown): { readonly count: number; readonly next: string | undefined } => {
  if (typeof body !== "object" || body === null || !("results" in body) || !Array.isArray(body.results)) {
    throw new Error("the answer is not a page of users")
  }
  const next = "next" in body && typeof body.next === "string" && body.next !== "" ? body.next : undefined
  return { count: body.results.length, next }
}

let users = 0
let pages = 0
let cursor: string | undefined
for (let page = 0; page < MAX_PAGES; page++) {
  const url = new URL(`${baseUrl}/users`)
  url.searchParams.set("limit", PAGE_LIMIT)
  if (cursor !== undefined) url.searchParams.set("cursor", cursor)
  const response = await fetch(url, { headers: { "X-API-Key": token, Accept: "application/json" } })
  const text = await response.text()
  if (!response.ok) throw new Error(`GET /users answered ${response.status}`)
  const { count, next } = readPage(JSON.parse(text))
  users += count
  pages++
  if (next === undefined) break
  cursor = next
}
process.stdout.write(`${JSON.stringify({ users, pages })}\n`)
