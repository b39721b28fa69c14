// List paging with an absolute nextLink carrying api-version and $skipToken (SDK 2.1.0 GETs nextLink verbatim).
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
