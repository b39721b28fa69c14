// Builds the activities' dependencies once per process from app settings (see src/api/deps.ts for the list;
// also LINKWRIGHT_ROLE_PROPAGATION_SECONDS: how long validation waits for a new role assignment, default 120).
import { readApiSettings } from "../api/deps.js";
import { armClientsFromSettings } from "../azure/fromSettings.js";
import { createSealer } from "../secrets/seal.js";
import { createTableStore } from "../store/tableStore.js";
import { createConnectionActivities, type ConnectionActivities } from "./connectionActivities.js";

let activities: Promise<ConnectionActivities> | undefined;

export function connectionActivitiesFromSettings(env: Record<string, string | undefined> = process.env): Promise<ConnectionActivities> {
  activities ??= (async () => {
    const settings = readApiSettings(env);
    const store = await createTableStore({
      connectionString: settings.storageConnectionString,
      tablePrefix: settings.tablePrefix,
      allowInsecureConnection: settings.allowInsecureStorage,
    });
    const windowSeconds = env.LINKWRIGHT_ROLE_PROPAGATION_SECONDS;
    return createConnectionActivities({
      clients: armClientsFromSettings(env), store, sealer: createSealer(settings.sealKey), policy: settings.policy,
      ...(windowSeconds ? { propagation: { windowMs: Number(windowSeconds) * 1000, initialDelayMs: 200 } } : {}),
    });
  })().catch((e: unknown) => {
    activities = undefined;
    throw e;
  });
  return activities;
}
