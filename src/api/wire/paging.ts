// List paging with an absolute nextLink carrying api-version and $skipToken (SDK 2.1.0 GETs nextLink verbatim).
import type { OperationRequest } from "../types.js";
import { ApiError, ErrorCodes } from "./errors.js";

export const MAX_PAGE_SIZE = 1000;

export function pageSizeFrom(query: URLSearchParams, defaultSize: number): number {
  const top = query.get("$top");
  if (top === null) return defaultSize;
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1) throw new ApiError(400, ErrorCodes.BadRequest, `The value '${top}' of '$top' is invalid: use a positive integer.`, "$top");
  return Math.min(n, MAX_PAGE_SIZE);
}

export function nextLink(options: { baseUrl: string; path: string; apiVersion: string; skipToken: string; top?: string | null }): string {
  const q = new URLSearchParams({ "api-version": options.apiVersion });
  if (options.top) q.set("$top", options.top);
  q.set("$skipToken", options.skipToken);
  return `${options.baseUrl}${options.path}?${q.toString()}`;
}

export function pageBody<T>(value: T[], link: string | undefined): { value: T[]; nextLink?: string } {
  return link ? { value, nextLink: link } : { value };
}

/** One page of a stored collection as the list operations answer it: `$top`, `$skipToken` (400 when forged),
 *  and the absolute nextLink. */
export async function listPage<T, W>(
  req: OperationRequest, defaultSize: number,
  list: (options: { pageSize: number; continuationToken?: string }) => Promise<{ items: T[]; continuationToken?: string }>,
  toWire: (item: T) => W,
): Promise<{ value: W[]; nextLink?: string }> {
  const pageSize = pageSizeFrom(req.query, defaultSize);
  const skipToken = req.query.get("$skipToken") ?? undefined;
  let page;
  try {
    page = await list({ pageSize, ...(skipToken ? { continuationToken: skipToken } : {}) });
  } catch (error) {
    if (skipToken) throw new ApiError(400, ErrorCodes.BadRequest, "The value of '$skipToken' is invalid.", "$skipToken");
    throw error;
  }
  const link = page.continuationToken
    ? nextLink({ baseUrl: req.baseUrl, path: req.path, apiVersion: req.apiVersion, skipToken: page.continuationToken, top: req.query.get("$top") })
    : undefined;
  return pageBody(page.items.map(toWire), link);
}
