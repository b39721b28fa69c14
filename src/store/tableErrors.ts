// Recognising Azure Tables REST errors by status code.
export function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "statusCode" in error ? (error as { statusCode?: number }).statusCode : undefined;
}
export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;
export const isConflictOrPrecondition = (error: unknown): boolean => statusOf(error) === 409 || statusOf(error) === 412;
