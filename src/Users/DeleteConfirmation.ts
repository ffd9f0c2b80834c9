/**
 * The question `users delete` asks on a terminal before a delete that cannot be undone. @effect/cli's confirm took the
 * first key that started "y" or was "t" for a yes, as it was typed: "quit", "abort", "stop" and "exit" deleted the
 * user at their t, "maybe" at its y, before the Enter a person would think sends the word. Here the answer is the
 * line sent with Enter, and only y or yes deletes.
 */
import * as Prompt from "@effect/cli/Prompt"

/** Whether the line typed says yes: y or yes, in any case, space around it aside. Anything else keeps the user. */
export const saysYes = (answer: string): boolean => /^y(es)?$/i.test(answer.trim())

/** `question`, answered with a line: true only for y or yes. No, Enter alone and any other word are false. */
export const askBeforeDeleting = (question: string): Prompt.Prompt<boolean> =>
  Prompt.text({ message: `${question} (y/N)` }).pipe(Prompt.map(saysYes))
