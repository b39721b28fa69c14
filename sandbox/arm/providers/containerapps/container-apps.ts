// Microsoft.App/containerApps: get / list / createOrUpdate (PUT, LRO final-state azure-async-operation) /
// update (PATCH = JSON merge patch, arrays replaced wholesale; LRO final-state location) / delete / listSecrets.
// GET hides secret values; listSecrets returns them. Reference: arm-surface §2.2; SDK @azure/arm-appcontainers 4.0.0.
import { ArmError, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { listBySubscriptionAndResourceGroup } from "../kit/list-routes.js";
import { resolveIdentity, releaseIdentity } from "../kit/managed-identities.js";
import { mergePatch } from "../kit/merge-patch.js";
import { fakePublicIp } from "../kit/public-ips.js";
import { asObject, bodyObject, requireLocation } from "../kit/request-body.js";
import { newResourceId, requireResource, requireResourceGroup } from "../kit/resource-lookup.js";
import { fill } from "../kit/route-templates.js";
import { systemData } from "../kit/system-data.js";
import { render } from "../kit/wire-shape.js";
import { deleteResult, putResult } from "../kit/write-results.js";

export const CONTAINER_APP = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.App/containerApps/{containerAppName}";
export const CONTAINER_APP_TYPE = "Microsoft.App/containerApps";

interface Secret { name: string; value?: string; identity?: string; keyVaultUrl?: string }
/** Private secret values a stored container app carries (never rendered). */
export interface ContainerAppPrivate { secretValues?: Record<string, string> }

function appId(ctx: RouteContext): string {
  return fill(CONTAINER_APP, ctx.params);
}

function parseSecrets(v: unknown, previous: Record<string, string>): { listed: Secret[]; values: Record<string, string> } {
  if (v === undefined || v === null) return { listed: [], values: {} };
  if (!Array.isArray(v)) throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'configuration.secrets must be an array'.");
  const listed: Secret[] = [];
  const values: Record<string, string> = {};
  for (const raw of v) {
    const s = asObject(raw);
    if (typeof s.name !== "string" || !/^[a-z0-9][a-z0-9-.]*[a-z0-9]$|^[a-z0-9]$/.test(s.name)) {
      throw new ArmError(400, "ContainerAppInvalidSecretName", `Invalid Secret name '${String(s.name)}'. A secret name must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character.`);
    }
    const entry: Secret = { name: s.name };
    if (typeof s.keyVaultUrl === "string") {
      entry.keyVaultUrl = s.keyVaultUrl;
      entry.identity = typeof s.identity === "string" ? s.identity : "system";
    } else if (typeof s.value === "string") values[s.name] = s.value;
    else if (previous[s.name] !== undefined) values[s.name] = previous[s.name];
    else throw new ArmError(400, "ContainerAppSecretInvalid", `Secret '${s.name}' must have either a value or a keyVaultUrl.`);
    listed.push(entry);
  }
  return { listed, values };
}

/** Every env `secretRef` must name a secret of the app (Azure rejects the revision otherwise). */
function validateSecretRefs(props: Record<string, unknown>, secrets: Secret[]): void {
  const names = new Set(secrets.map((s) => s.name));
  for (const c of (asObject(props.template).containers as unknown[] | undefined) ?? []) {
    const container = asObject(c);
    for (const e of (container.env as unknown[] | undefined) ?? []) {
      const ref = asObject(e).secretRef;
      if (typeof ref === "string" && !names.has(ref)) {
        throw new ArmError(400, "ContainerAppSecretRefNotFound", `SecretRef '${ref}' defined for container '${String(container.name)}' not found.`);
      }
    }
  }
}

/** Builds the stored app from requested properties (used by PUT, PATCH and the demo seed). */
export function buildContainerApp(options: {
  id: string; location: string; properties: Record<string, unknown>; tags?: Record<string, string>; identity?: Record<string, unknown>;
  previous?: StoredResource & ContainerAppPrivate;
}): StoredResource & ContainerAppPrivate {
  const name = options.id.split("/").pop()!;
  const req = structuredClone(options.properties);
  const configuration = asObject(req.configuration);
  const { listed, values } = parseSecrets(configuration.secrets, options.previous?.secretValues ?? {});
  const template = asObject(req.template);
  if (!Array.isArray(template.containers) || template.containers.length === 0) {
    throw new ArmError(400, "ContainerAppInvalidTemplate", "The container app template must have at least one container.", "properties.template.containers");
  }
  validateSecretRefs(req, listed);
  const prevProps = asObject(options.previous?.properties);
  const templateChanged = JSON.stringify(prevProps.template) !== JSON.stringify(template);
  const revision = templateChanged || !prevProps.latestRevisionName ? `${name}--${crypto.randomUUID().slice(0, 7)}` : String(prevProps.latestRevisionName);
  const envId = req.managedEnvironmentId ?? req.environmentId ?? prevProps.managedEnvironmentId;
  const ingress = configuration.ingress ? { ...asObject(configuration.ingress), fqdn: `${name}.happyhill-1234.westeurope.azurecontainerapps.io` } : undefined;
  const props: Record<string, unknown> = {
    ...req, provisioningState: "Succeeded", runningStatus: "Running", managedEnvironmentId: envId, environmentId: envId,
    workloadProfileName: req.workloadProfileName ?? "Consumption",
    latestRevisionName: revision, latestReadyRevisionName: revision, latestRevisionFqdn: `${revision}.happyhill-1234.westeurope.azurecontainerapps.io`,
    customDomainVerificationId: prevProps.customDomainVerificationId ?? crypto.randomUUID().replace(/-/g, "").toUpperCase(),
    outboundIpAddresses: prevProps.outboundIpAddresses ?? [0, 1].map((n) => fakePublicIp(name, n)),
    eventStreamEndpoint: `https://westeurope.azurecontainerapps.dev/subscriptions/${options.id.split("/")[2]}/resourceGroups/${options.id.split("/")[4]}/containerApps/${name}/eventstream`,
    configuration: { activeRevisionsMode: "Single", registries: [], ...configuration, secrets: listed, ...(ingress ? { ingress } : {}) },
    template: { revisionSuffix: "", scale: { minReplicas: 0, maxReplicas: 10 }, ...template },
  };
  return {
    id: options.id, name, type: CONTAINER_APP_TYPE, location: options.location, tags: options.tags ?? {},
    ...(options.identity ? { identity: options.identity } : {}), properties: props, secretValues: values,
  };
}

function putApp(ctx: RouteContext) {
  requireResourceGroup(ctx);
  const body = bodyObject(ctx);
  const existing = ctx.store.get(appId(ctx)) as (StoredResource & ContainerAppPrivate) | undefined;
  const id = existing?.id ?? newResourceId(ctx);
  const identity = resolveIdentity(ctx, id, body.identity, existing?.identity, { mode: "replace", combinedType: "SystemAssigned,UserAssigned" });
  const built = buildContainerApp({
    id, location: existing?.location ?? requireLocation(body), properties: asObject(body.properties),
    tags: (body.tags as Record<string, string>) ?? existing?.tags, identity, previous: existing,
  });
  const stored = ctx.store.put({ ...built, systemData: systemData(ctx, existing) });
  return putResult(ctx, render(stored), !existing, "azure-async-operation");
}

function patchApp(ctx: RouteContext) {
  const existing = requireResource(ctx, appId(ctx)) as StoredResource & ContainerAppPrivate;
  const body = bodyObject(ctx);
  const current = render(existing);
  const merged = asObject(mergePatch(current, { properties: body.properties ?? {}, ...(body.tags !== undefined ? { tags: body.tags } : {}) }));
  const identity = resolveIdentity(ctx, existing.id, body.identity, existing.identity, { mode: "merge", combinedType: "SystemAssigned,UserAssigned" });
  const built = buildContainerApp({
    id: existing.id, location: existing.location!, properties: asObject(merged.properties), tags: merged.tags as Record<string, string>,
    identity, previous: existing,
  });
  const stored = render(ctx.store.put({ ...built, systemData: systemData(ctx, existing) }));
  if (ctx.services.lroEnabledFor(ctx)) return ctx.services.longRunning({ status: 202, style: "location", finalBody: stored }, ctx);
  return { status: 200, body: stored };
}

function listSecrets(ctx: RouteContext) {
  const app = requireResource(ctx, appId(ctx)) as StoredResource & ContainerAppPrivate;
  const secrets = (asObject(asObject(app.properties).configuration).secrets as Secret[] | undefined) ?? [];
  return {
    status: 200,
    body: { value: secrets.map((s) => ({ name: s.name, value: app.secretValues?.[s.name] ?? null, ...(s.keyVaultUrl ? { keyVaultUrl: s.keyVaultUrl, identity: s.identity } : {}) })) },
    eventResourceId: app.id,
  };
}

function deleteApp(ctx: RouteContext) {
  const existing = ctx.store.get(appId(ctx));
  if (existing) releaseIdentity(ctx, existing.identity);
  return deleteResult(ctx, appId(ctx));
}

export const containerAppRoutes: Route[] = [
  { method: "GET", template: CONTAINER_APP, action: `${CONTAINER_APP_TYPE}/read`, handle: (ctx) => ({ status: 200, body: render(requireResource(ctx, appId(ctx))) }) },
  { method: "PUT", template: CONTAINER_APP, action: `${CONTAINER_APP_TYPE}/write`, handle: putApp },
  { method: "PATCH", template: CONTAINER_APP, action: `${CONTAINER_APP_TYPE}/write`, handle: patchApp },
  { method: "DELETE", template: CONTAINER_APP, action: `${CONTAINER_APP_TYPE}/delete`, handle: deleteApp },
  { method: "POST", template: `${CONTAINER_APP}/listSecrets`, action: `${CONTAINER_APP_TYPE}/listSecrets/action`, handle: listSecrets },
  ...listBySubscriptionAndResourceGroup({ template: CONTAINER_APP, type: CONTAINER_APP_TYPE, action: `${CONTAINER_APP_TYPE}/read` }),
];
