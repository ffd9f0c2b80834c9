import { describe, expect, it } from "@effect/vitest"
import { errorDetail } from "../../src/PantherApi/Responses.js"

describe("errorDetail", () => {
  it("reads message or error from JSON bodies of any of the shapes seen", () => {
    expect(errorDetail('{"message":"user not found"}')).toBe("user not found")
    expect(errorDetail('{"error":"forbidden"}')).toBe("forbidden")
    expect(errorDetail('{"error":{"message":"nested"}}')).toBe("nested")
    expect(errorDetail('{"code":7}')).toBe('{"code":7}')
    expect(errorDetail('"just a string"')).toBe('"just a string"')
  })

  it("sums up HTML pages by their title or first heading", () => {
    expect(errorDetail("<html><head><title> 504 Gateway Time-out </title></head></html>")).toBe(
      'an HTML page titled "504 Gateway Time-out"'
    )
    expect(errorDetail("<!DOCTYPE html><body><h1>Service Unavailable</h1></body>")).toBe(
      'an HTML page titled "Service Unavailable"'
    )
    expect(errorDetail("<html><body>oops</body></html>")).toBe("an HTML page")
  })

  it("keeps plain text to one short line, and an empty body says nothing", () => {
    expect(errorDetail("upstream\n  connect error")).toBe("upstream connect error")
    expect(errorDetail("x".repeat(500))).toHaveLength(203)
    expect(errorDetail("   ")).toBeUndefined()
  })
})
