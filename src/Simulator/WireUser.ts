/**
 * A user exactly as the simulator sends it: the wire (encoded) form of `User`, which unlike the decoded form can
 * carry `lastLoggedInAt: null` and `""`, both of which the live API is known to send for "never logged in".
 * The simulator always assigns an id, so here it is required.
 */
import type { User } from "../PantherApi/Schemas.js"

export type WireUser = typeof User.Encoded & { readonly id: string }
