// Builds the activities' dependencies once per process from app settings (see src/api/deps.ts for the list).
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
    return createConnectionActivities({ clients: armClientsFromSettings(env), store, sealer: createSealer(settings.sealKey) });
  })().catch((e: unknown) => {
    activities = undefined;
    throw e;
  });
  return activities;
}
