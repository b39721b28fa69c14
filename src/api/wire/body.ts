// JSON request bodies.
import { ApiError, ErrorCodes } from "./errors.js";

/** Parses a JSON body; malformed JSON, or JSON nested deeper than MAX_DEPTH -> 400 InvalidRequestContent. Empty -> undefined (or 400 when required). */
export function parseJsonBody(text: string | undefined, options: { required: boolean }): unknown {
  if (text === undefined || text.trim() === "") {
    if (options.required) throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The request content was invalid: a JSON body is required.");
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input, which may hold a secret: report only the position.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    throw new ApiError(400, ErrorCodes.InvalidRequestContent,
      `The request content was invalid and could not be deserialized: malformed JSON${position ? ` at position ${position}` : ""}.`);
  }
  if (depthExceeds(value, MAX_DEPTH)) {
    throw new ApiError(400, ErrorCodes.InvalidRequestContent, `The request content was invalid: JSON nested deeper than ${MAX_DEPTH} levels.`);
  }
  return value;
}

/** Far beyond any request schema (a few levels), far below what recursive copies and messages can hold. */
const MAX_DEPTH = 64;

/** Whether `value` nests deeper than `max` arrays/objects (iterative: the input may be arbitrarily deep). */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
