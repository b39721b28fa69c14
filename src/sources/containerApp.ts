// Container Apps as connection sources: settings are env vars of the scoped container (the first one when
// no scope is given); secret values live in configuration.secrets and are referenced with secretRef.
import type { ContainerApp } from "@azure/arm-appcontainers";
import type { ArmClients } from "../azure/clients.js";
import { toIdentityState } from "./webSite.js";
import type { SourceAdapter, SourceSetting, SourceSnapshot } from "./types.js";
import type { IdentityState, IdentityType } from "../model/steps.js";

export interface ContainerAppRef {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Container name (the linker's `scope`). */
  container?: string;
}

/** Container Apps secret names: lower-case alphanumerics and '-', at most 253 characters. */
export function secretNameFor(settingName: string): string {
  return settingName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 253) || "secret";
}

export function containerAppSource(clients: ArmClients, ref: ContainerAppRef): SourceAdapter {
  const apps = () => clients.containerApps(ref.subscriptionId).containerApps;
  const { resourceGroup: rg, name } = ref;

  const pickContainer = (app: ContainerApp) => {
    const containers = app.template?.containers ?? [];
    const container = ref.container ? containers.find((c) => c.name === ref.container) : containers[0];
    if (!container) {
      throw new Error(ref.container
        ? `Container '${ref.container}' was not found in container app '${name}' (containers: ${containers.map((c) => c.name).join(", ") || "none"}).`
        : `Container app '${name}' has no containers.`);
    }
    return container;
  };

  const secretValues = async (): Promise<Map<string, string>> => {
    const { value } = await apps().listSecrets(rg, name);
    return new Map(value.filter((s) => s.name).map((s) => [s.name!, s.value ?? ""]));
  };

  return {
    id: ref.id,
    async read(): Promise<SourceSnapshot> {
      const app = await apps().get(rg, name);
      return {
        id: ref.id,
        kind: "containerapp",
        location: app.location,
        identity: toIdentityState(app.identity as never),
        outboundIps: app.outboundIpAddresses ?? [],
        ...(app.managedEnvironmentId ?? app.environmentId ? { environmentId: (app.managedEnvironmentId ?? app.environmentId)! } : {}),
      };
    },
    async writeIdentity(type: IdentityType, userAssignedIds: string[]): Promise<IdentityState> {
      const app = await apps().get(rg, name);
      const identity = {
        type,
        ...(userAssignedIds.length ? { userAssignedIdentities: Object.fromEntries(userAssignedIds.map((id) => [id, {}])) } : {}),
      };
      const updated = await apps().update(rg, name, { location: app.location!, identity } as ContainerApp);
      return toIdentityState(updated.identity as never);
    },
    async readSettings(): Promise<Record<string, string>> {
      const app = await apps().get(rg, name);
      const env = pickContainer(app).env ?? [];
      const secrets = env.some((e) => e.secretRef) ? await secretValues() : new Map<string, string>();
      return Object.fromEntries(env.filter((e) => e.name).map((e) => [e.name!, e.secretRef ? secrets.get(e.secretRef) ?? "" : e.value ?? ""]));
    },
    async updateSettings(change: { upsert: SourceSetting[]; remove: string[] }): Promise<void> {
      const app = await apps().get(rg, name);
      const container = pickContainer(app);
      const removed = new Set(change.remove);
      const env = (container.env ?? []).filter((e) => !removed.has(e.name ?? "") && !change.upsert.some((u) => u.name === e.name));
      const secrets = new Map(await secretValues());
      for (const name of removed) secrets.delete(secretNameFor(name));
      for (const s of change.upsert) {
        if (s.secret) {
          secrets.set(secretNameFor(s.name), s.value);
          env.push({ name: s.name, secretRef: secretNameFor(s.name) });
        } else {
          env.push({ name: s.name, value: s.value });
        }
      }
      container.env = env;
      const configuration = { ...app.configuration, secrets: [...secrets].map(([n, value]) => ({ name: n, value })) };
      await apps().update(rg, name, {
        location: app.location!,
        configuration,
        template: app.template,
      } as ContainerApp);
    },
  };
}
