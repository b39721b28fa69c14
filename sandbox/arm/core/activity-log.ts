// Activity log (Microsoft.Insights eventtypes/management/values): one EndRequest entry per ARM write,
// delete or action, shaped like the real EventData (reference arm-surface §2.12).
import { randomUUID } from "node:crypto";
import { parseResourceId } from "./ids.js";
import { localizedOperationName } from "./operation-names.js";

export interface ActivityEntry {
  [field: string]: unknown;
  id: string;
  eventDataId: string;
  correlationId: string;
  eventTimestamp: string;
  resourceId: string;
}

export interface ActivityRecord {
  action: string;
  resourceId: string;
  status: "Started" | "Succeeded" | "Failed";
  /** BeginRequest (status Started) when ARM accepts the request, EndRequest when it completes (default). */
  phase?: "BeginRequest" | "EndRequest";
  httpStatus: number;
  method: string;
  uri: string;
  caller: { objectId: string; appId?: string; tenantId: string; upn?: string };
  correlationId: string;
  requestId: string;
  clientRequestId?: string;
  clientIp?: string;
  subscriptionId: string;
  scopeOfRole?: string | null;
  error?: { code: string; message: string };
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK", 201: "Created", 202: "Accepted", 204: "NoContent", 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden",
  404: "NotFound", 409: "Conflict", 412: "PreconditionFailed", 429: "TooManyRequests", 500: "InternalServerError",
};

export class ActivityLog {
  private entries: ActivityEntry[] = [];

  constructor(private readonly capacity = 20_000) {}

  record(r: ActivityRecord): ActivityEntry {
    const now = new Date();
    const eventDataId = randomUUID();
    const p = parseResourceId(r.resourceId);
    const ns = p.namespace ?? "Microsoft.Resources";
    const type = p.type ?? "Microsoft.Resources/resources";
    const ticks = (BigInt(now.getTime()) * 10_000n + 621_355_968_000_000_000n).toString();
    const begin = r.phase === "BeginRequest";
    const statusText = begin ? "" : STATUS_TEXT[r.httpStatus] ?? String(r.httpStatus);
    const entry: ActivityEntry = {
      authorization: { action: r.action, scope: r.resourceId },
      caller: r.caller.upn ?? r.caller.appId ?? r.caller.objectId,
      channels: "Operation",
      claims: {
        aud: "https://management.azure.com",
        appid: r.caller.appId ?? "",
        "http://schemas.microsoft.com/identity/claims/objectidentifier": r.caller.objectId,
        "http://schemas.microsoft.com/identity/claims/tenantid": r.caller.tenantId,
      },
      correlationId: r.correlationId,
      description: "",
      eventDataId,
      eventName: begin ? { value: "BeginRequest", localizedValue: "Begin request" } : { value: "EndRequest", localizedValue: "End request" },
      category: { value: "Administrative", localizedValue: "Administrative" },
      httpRequest: { clientRequestId: r.clientRequestId ?? "", clientIpAddress: r.clientIp ?? "127.0.0.1", method: r.method, uri: r.uri },
      id: `${r.resourceId}/events/${eventDataId}/ticks/${ticks}`,
      level: r.status === "Failed" ? "Error" : "Informational",
      resourceGroupName: p.resourceGroup ?? "",
      resourceProviderName: { value: ns, localizedValue: ns },
      resourceId: r.resourceId,
      resourceType: { value: type, localizedValue: type },
      operationId: r.requestId,
      operationName: { value: r.action, localizedValue: localizedOperationName(r.action) },
      properties: {
        ...(begin ? {} : { statusCode: statusText }), serviceRequestId: r.requestId, eventCategory: "Administrative",
        ...(r.error ? { statusMessage: JSON.stringify({ error: r.error }) } : {}),
      },
      status: { value: r.status, localizedValue: r.status },
      subStatus: begin ? { value: "", localizedValue: "" } : { value: statusText, localizedValue: `${statusText} (HTTP Status Code: ${r.httpStatus})` },
      eventTimestamp: now.toISOString(),
      submissionTimestamp: new Date(now.getTime() + 1).toISOString(),
      subscriptionId: r.subscriptionId,
      tenantId: r.caller.tenantId,
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  all(): ActivityEntry[] {
    return this.entries.map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }
}
