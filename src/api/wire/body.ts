// JSON request bodies.
import { ApiError, ErrorCodes } from "./errors.js";

/** Parses a JSON body; malformed JSON -> 400 InvalidRequestContent. Empty -> undefined (or 400 when required). */
export function parseJsonBody(text: string | undefined, options: { required: boolean }): unknown {
  if (text === undefined || text.trim() === "") {
    if (options.required) throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The request content was invalid: a JSON body is required.");
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input, which may hold a secret: report only the position.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    throw new ApiError(400, ErrorCodes.InvalidRequestContent,
      `The request content was invalid and could not be deserialized: malformed JSON${position ? ` at position ${position}` : ""}.`);
  }
}
