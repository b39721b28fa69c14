// The `default` blob / queue / table / file service of a storage account (GET, and the one-item list).
// These are singleton proxy resources Azure reports for every account. Reference: arm-surface §2.5.
import type { Route, RouteContext } from "../../core/contract.js";
import { armErrors } from "../../core/errors.js";
import { requireResource } from "../kit/resource-lookup.js";
import { render } from "../kit/wire-shape.js";
import { ACCOUNT, ACCOUNT_TYPE, accountId } from "./accounts.js";

const SERVICES = {
  blobServices: { cors: { corsRules: [] }, deleteRetentionPolicy: { enabled: false, allowPermanentDelete: false }, isVersioningEnabled: false },
  queueServices: { cors: { corsRules: [] } },
  tableServices: { cors: { corsRules: [] } },
  fileServices: { cors: { corsRules: [] }, shareDeleteRetentionPolicy: { enabled: true, days: 7 }, protocolSettings: { smb: {} } },
} as const;

type ServiceKind = keyof typeof SERVICES;

function serviceBody(ctx: RouteContext, kind: ServiceKind) {
  const account = render(requireResource(ctx, accountId(ctx)));
  return {
    id: `${account.id as string}/${kind}/default`, name: "default", type: `${ACCOUNT_TYPE}/${kind}`,
    ...(kind === "blobServices" || kind === "fileServices" ? { sku: account.sku } : {}),
    properties: structuredClone(SERVICES[kind]),
  };
}

export const serviceRoutes: Route[] = (Object.keys(SERVICES) as ServiceKind[]).flatMap((kind): Route[] => [
  { method: "GET", template: `${ACCOUNT}/${kind}/default`, action: `${ACCOUNT_TYPE}/${kind}/read`, handle: (ctx) => ({ status: 200, body: serviceBody(ctx, kind) }) },
  {
    method: "GET", template: `${ACCOUNT}/${kind}/{serviceName}`, action: `${ACCOUNT_TYPE}/${kind}/read`,
    handle: (ctx) => { throw armErrors.resourceNotFound(`${accountId(ctx)}/${kind}/${ctx.params.serviceName}`); },
  },
  { method: "GET", template: `${ACCOUNT}/${kind}`, action: `${ACCOUNT_TYPE}/${kind}/read`, handle: (ctx) => ({ status: 200, body: { value: [serviceBody(ctx, kind)] } }) },
]);
