/**
 * The status and text of the answer to a node:http request, for tests that must send what fetch will not (a path
 * with `;` or `#`, a header twice, a body in chunks). Rejects when the request fails before an answer comes.
 */
import type { ClientRequest } from "node:http"

export const rawAnswer = (req: ClientRequest): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    req.on("response", (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => {
        body += chunk
      })
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on("error", reject)
  })
