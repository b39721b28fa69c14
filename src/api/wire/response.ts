// Response builders.
import { armErrorBody, type ApiError } from "./errors.js";
import type { ApiResponse } from "../types.js";

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "Content-Type": JSON_CONTENT_TYPE, ...headers }, body };
}

export function empty(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...headers } };
}

export function errorResponse(error: ApiError): ApiResponse {
  return json(error.status, armErrorBody(error.code, error.message, error.target, error.details), error.headers);
}

/** Public base URL for absolute links: ARM forwards the original URL in `Referer` (RPC convention); else the request's own origin. */
export function publicBaseUrl(requestUrl: string, headers: Record<string, string | undefined>): string {
  const referer = headers["referer"];
  if (referer) {
    try {
      const url = new URL(referer);
      // Only an http(s) Referer has an origin a client can follow (javascript:, data:, file: have "null").
      if (url.protocol === "https:" || url.protocol === "http:") return url.origin;
    } catch {
      /* fall through */
    }
  }
  const match = /^(https?:\/\/[^/?#]+)/i.exec(requestUrl);
  if (!match) throw new Error(`request URL is not absolute: ${requestUrl}`);
  return match[1]!;
}
