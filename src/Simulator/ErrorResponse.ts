/**
 * Every error the simulator sends has the spec's error shape, `{"message": "..."}` (`UserAPI.BadRequestError`,
 * `UserAPI.NotFoundError`), whatever produced it: a handler, the router, a fault or a body that was too large.
 */
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"

export const errorResponse = (
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {}
): HttpServerResponse.HttpServerResponse => HttpServerResponse.unsafeJson({ message }, { status, headers })
