// azd preprovision hook (azure.yaml): makes sure the azd environment holds LINKWRIGHT_SEAL_KEY, which
// infra/main.parameters.json hands to main.bicep's sealKey (stored in Key Vault). Plain JavaScript without
// dependencies: it runs before `npm install` has.
//
// - LINKWRIGHT_SEAL_KEY set: nothing to do.
// - Not set, and this environment was never provisioned: a new random key (64 hex characters) goes into the
//   environment (azd env set; .azure/<environment>/.env, which azd keeps out of git).
// - Not set, but the environment was provisioned before (keyVaultName, an output of main.bicep, is known): refuse.
//   A new key would replace the deployed one, and values sealed under it (undo records, secrets in flight in Durable
//   history) could no longer be unsealed. Put the deployed key back into the environment first:
//     azd env set LINKWRIGHT_SEAL_KEY "$(az keyvault secret show --vault-name <keyVaultName> -n linkwright-seal-key --query value -o tsv)"
//   (reading it needs a Key Vault data role on the vault, e.g. Key Vault Secrets User).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

if (process.env.LINKWRIGHT_SEAL_KEY) process.exit(0);
const vault = process.env.keyVaultName;
if (vault) {
  console.error(
    `LINKWRIGHT_SEAL_KEY is not in this azd environment, but it was provisioned before (Key Vault ${vault}). ` +
      "A new seal key would make every value sealed under the deployed one unreadable. Restore it first:\n" +
      `  azd env set LINKWRIGHT_SEAL_KEY "$(az keyvault secret show --vault-name ${vault} -n linkwright-seal-key --query value -o tsv)"`,
  );
  process.exit(1);
}
execFileSync("azd", ["env", "set", "LINKWRIGHT_SEAL_KEY", randomBytes(32).toString("hex")], { stdio: ["ignore", "ignore", "inherit"], shell: process.platform === "win32" });
console.log("LINKWRIGHT_SEAL_KEY: generated for this azd environment (kept in .azure/<environment>/.env; main.bicep stores it in Key Vault).");
