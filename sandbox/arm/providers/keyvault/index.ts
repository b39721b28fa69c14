// Microsoft.KeyVault resource provider: vaults and access policies (ARM), each vault's secrets data plane on its own origin.
import type { Provider } from "../../core/contract.js";
import { vaultRoutes } from "./vaults.js";

export const keyVaultProvider: Provider = { namespace: "Microsoft.KeyVault", routes: vaultRoutes };
export { ensureVaultDataPlane } from "./vaults.js";
