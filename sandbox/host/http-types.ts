// The front door's request/response shapes, shared by its handlers.
export interface HostRequest {
  method: string;
  url: URL;
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Raw path and query as received (for handlers that need the original encoding). */
  rawUrl: string;
}

export interface HostResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** A front-door stage: answers, or returns undefined to let the next stage try. */
export type HostHandler = (req: HostRequest) => Promise<HostResponse | undefined>;

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): HostResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(value) };
}
