// The database emulators wired to an ARM emulator the way the sandbox runs them: tokens verified against the ARM
// emulator's identity platform, logins accepted only for each server's Microsoft Entra admin (read from the ARM
// store), TLS from the same CA folder. `appSettings` is what the function app needs to reach them.
import path from "node:path";
import type { ArmEmulator } from "../arm/index.js";
import { armAdminAuthorizer } from "./arm-admins.js";
import { startDatabaseEmulators, type DatabaseEmulators } from "./index.js";
import { armEmulatorTokenVerifier } from "./tokens.js";

export interface SandboxDatabases {
  emulators: DatabaseEmulators;
  /** LINKWRIGHT_DATABASE_ENDPOINTS for the function app. */
  appSettings: Record<string, string>;
  close(): Promise<void>;
}

export async function startSandboxDatabases(arm: ArmEmulator): Promise<SandboxDatabases> {
  const tokenVerifier = await armEmulatorTokenVerifier({ armEndpoint: arm.endpoint, tenantId: arm.tenantId, caCertFile: arm.caCertFile });
  const emulators = await startDatabaseEmulators({
    tokenVerifier,
    authorizeLogin: armAdminAuthorizer(arm.store),
    certDir: path.dirname(arm.caCertFile),
  });
  return {
    emulators,
    appSettings: { LINKWRIGHT_DATABASE_ENDPOINTS: JSON.stringify(emulators.endpoints) },
    close: () => emulators.close(),
  };
}
