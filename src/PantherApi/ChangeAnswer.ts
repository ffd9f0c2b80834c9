/**
 * What a create or update answered, read against what was sent: whether the user it describes is the one the change
 * was for, and what to advise when the answer cannot be taken as the change made.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { InvalidResponse } from "./ClientErrors.js"
import { printable } from "./Responses.js"
import type { Route } from "./Routes.js"
import type { RoleRef, User } from "./Schemas.js"
import { storedName } from "./UncertainChanges.js"
import type { UserRecord } from "./UserRecord.js"

/**
 * The role a create or update was answered with, when it is another than the one sent, compared by the field it was
 * sent by (a role's name in any case): an answer naming a role sent by name only by its id tells nothing either way.
 */
const otherRole = (answered: RoleRef, sent: RoleRef): string | undefined => {
  const given = (text: string | undefined) => (text === undefined || text === "" ? undefined : text)
  const [answeredId, answeredName] = [given(answered.id), given(answered.name)]
  if (sent.id !== undefined && answeredId !== undefined && answeredId !== sent.id) return answeredName ?? answeredId
  if (sent.name !== undefined && answeredName !== undefined && answeredName.toLowerCase() !== sent.name.toLowerCase()) {
    return answeredName
  }
  return undefined
}

const roleSent = (role: RoleRef): string => role.name ?? role.id ?? ""

/**
 * The first name or last name an update was answered with, when it is not the one sent as Panther stores names
 * (trimmed, composed): a change of name that did not take, which "Updated" must not be said of.
 */
const otherName = (
  answered: User,
  sent: { readonly givenName: string; readonly familyName: string }
): { readonly which: string; readonly answered: string; readonly sent: string } | undefined => {
  if (storedName(answered.givenName) !== storedName(sent.givenName)) {
    return { which: "first name", answered: answered.givenName, sent: sent.givenName }
  }
  if (storedName(answered.familyName) !== storedName(sent.familyName)) {
    return { which: "last name", answered: answered.familyName, sent: sent.familyName }
  }
  return undefined
}

/**
 * A create or update that Panther answered with success but with a body that is not a user: the change was
 * most likely made, and the usual advice alone (check --api-url) would have a script send it again, a create
 * then refused as "already exists". A wrong --api-url (a console page answering 200) stays possible.
 */
export const changeAdvice = (check: string) =>
  `If --api-url is the API (https://api.<instance-domain>), the change was most likely made all the same: check ` +
  `with \`${check}\` before sending it again. Otherwise correct --api-url: it may be the web console or a proxy page.`

/**
 * The user a create or update answered with, if it is the one sent: the same email (in any case) and, when the
 * answer names one, the same id. Another user's record (a proxy answering every path alike, a wrong --api-url)
 * would otherwise be printed as the change made, and its id kept by a script for a later delete. And with the
 * role sent: an Admin's demotion answered with the user still an Admin did not take, and must not be told as
 * done (nor a user invited with more than the role asked for).
 */
export const answerAbout = (
  route: Route,
  path: string,
  user: User,
  sent: {
    readonly id?: string
    readonly email: string
    readonly role: RoleRef
    /** An update's: the names it sent, which the answer must hold. */
    readonly names?: { readonly givenName: string; readonly familyName: string }
  },
  scrub: (text: string) => string
): Effect.Effect<User, InvalidResponse> => {
  const sameId = sent.id !== undefined && user.id === sent.id
  const otherId = sent.id !== undefined && user.id !== undefined && !sameId
  if (!otherId && user.email.trim().toLowerCase() === sent.email.trim().toLowerCase()) {
    const role = otherRole(user.role, sent.role)
    const shown = (text: string) => printable(scrub(text))
    const check = `users get ${shown(user.id ?? sent.id ?? "")}`
    const name = role === undefined && sent.names !== undefined ? otherName(user, sent.names) : undefined
    if (name !== undefined) {
      return Effect.fail(
        new InvalidResponse({
          method: route.method,
          path,
          reason:
            `it names the user, but with the ${name.which} ${JSON.stringify(shown(name.answered))}, not ` +
            `${JSON.stringify(shown(name.sent))} as sent`,
          advice: `The update may not have been made: check the user with \`${check}\` before sending it again.`
        })
      )
    }
    if (role === undefined) return Effect.succeed(user)
    return Effect.fail(
      new InvalidResponse({
        method: route.method,
        path,
        reason: `it names the user, but with the role ${shown(role)}, not ${shown(roleSent(sent.role))} as sent`,
        advice:
          sent.id !== undefined
            ? `The update may not have been made: check the user with \`${check}\` before sending it again.`
            : user.id === undefined
              ? `The user was created all the same: check it with \`users list --contains ${shown(sent.email)}\`.`
              : `The user was created all the same: check it with \`${check}\`, and give it the role asked for ` +
                `with \`users update ${shown(user.id)}\`.`
      })
    )
  }
  const asked = printable(scrub(sent.email))
  if (sameId) {
    // The user asked for, holding another email than the one sent (a change of email that did not take, or an
    // email changed elsewhere meanwhile): not another user, and no sign of a wrong --api-url.
    return Effect.fail(
      new InvalidResponse({
        method: route.method,
        path,
        reason: `it names the user, but with the email ${printable(scrub(user.email))}, not ${asked} as sent`,
        advice:
          `The update may have been made in part: check the user with \`users get ${printable(scrub(sent.id ?? ""))}\`; ` +
          "if its email was to change, change it in the Panther console."
      })
    )
  }
  const other = printable(scrub([user.email, user.id].filter((part) => part !== undefined).join(", ")))
  return Effect.fail(
    new InvalidResponse({
      method: route.method,
      path,
      reason:
        `it describes another user (${other}), not the one sent (${asked}); the change may have been made all ` +
        `the same: check with \`users list --contains ${asked}\``
    })
  )
}

/**
 * An update's answer, read as a record: `answerAbout` for a user. A record of the user updated that does not match
 * the API description in a field no update sends (an `enabled` left out, a timestamp that is not text: an
 * INVALID_RECORD of the audit that only the console mends) is the update made: it was said to be perhaps a wrong
 * --api-url's answer, though the look-up before had this user from that address, and neither its names nor its role
 * were checked against those sent. They are, as far as they can be read; the failure then says the update was most
 * likely made and where what is left is mended. `advice`: for an answer that is no record of this user.
 */
export const updateAnswerAbout = (
  route: Route,
  path: string,
  record: UserRecord,
  sent: {
    readonly id: string
    readonly email: string
    readonly role: RoleRef
    readonly names: { readonly givenName: string; readonly familyName: string }
  },
  scrub: (text: string) => string,
  advice: string
): Effect.Effect<User, InvalidResponse> => {
  if (record._tag === "ValidUser") return answerAbout(route, path, record.user, sent, scrub)
  const { readable } = record
  if (readable === undefined || !Option.contains(record.userId, sent.id)) {
    return Effect.fail(new InvalidResponse({ method: route.method, path, reason: record.reason, advice }))
  }
  // The role is sent with every update: one the answer holds unreadably (`null`, a name that is no text) left a
  // demotion that did not take told as "updated as sent", where a missing name or id is no different role to name.
  const roleRead = sent.role.name !== undefined ? readable.role.name : readable.role.id
  if (roleRead === undefined) {
    return Effect.fail(
      new InvalidResponse({
        method: route.method,
        path,
        reason:
          `it names the user, but its role cannot be read (${record.reason}), so whether the role sent took ` +
          "cannot be told",
        advice:
          `The update may not have been made: check the user's role with \`users get ${printable(scrub(sent.id))}\` ` +
          "or in the Panther console before sending it again."
      })
    )
  }
  return Effect.flatMap(answerAbout(route, path, readable, sent, scrub), () =>
    Effect.fail(
      new InvalidResponse({
        method: route.method,
        path,
        reason: `it names the user, updated as sent, but does not match the API description (${record.reason})`,
        advice:
          `The update was most likely made: check with \`users get ${printable(scrub(sent.id))}\` before sending ` +
          "it again. A field at fault there too, which no update sends, is mended in the Panther console."
      })
    )
  )
}
