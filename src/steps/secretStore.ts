// Secret store (secretStore.keyVaultId): put the connection's secret into Key Vault; the setting then holds a
// Key Vault reference instead of the value. The value is resolved and written inside this activity only.
// A delete keeps a secret another connection of the source stores under the same name.
import type { RestError } from "@azure/core-rest-pipeline";
import { AT_MOST_ONCE_HEADER, OUTCOME_UNKNOWN } from "../azure/clients.js";
import { resolveSecretValue, secretReadRequirements } from "./secretValues.js";
import { keyVaultIdOf } from "../authorization/requirements.js";
import type { LinkerProperties } from "../model/linker.js";
import type { CheckResult, Step, StepContext, StepOutcome, StepPlan } from "./step.js";
import type { KeyVaultSecretInput } from "../model/steps.js";

const SET_SECRET = "Microsoft.KeyVault/vaults/secrets/setSecret/action";
const DELETE_SECRET = "Microsoft.KeyVault/vaults/secrets/delete";
/** What a dry run names for the write (the vault's RBAC action; the data action is SET_SECRET). */
const SECRET_WRITE = "Microsoft.KeyVault/vaults/secrets/write";

/** The vault's ARM id: recorded in the input; records made before it was come from the request's secretStore. */
function vaultOf(input: KeyVaultSecretInput, properties?: LinkerProperties): string {
  return (typeof input.vaultId === "string" && input.vaultId ? input.vaultId : undefined)
    ?? (properties ? keyVaultIdOf(properties) : undefined) ?? String(input.vaultUri);
}

export interface SecretStorePrior {
  existed: boolean;
  priorSealed?: string;
}

/** The setting value App Service / Functions resolve at run time (versionless: follows rotations). */
export function keyVaultReference(vaultUri: string, secretName: string): string {
  return `@Microsoft.KeyVault(SecretUri=${secretUri(vaultUri, secretName)})`;
}

export function secretUri(vaultUri: string, secretName: string): string {
  return `${vaultUri.replace(/\/+$/, "")}/secrets/${secretName}/`;
}

async function currentValue(input: KeyVaultSecretInput, ctx: StepContext): Promise<string | undefined> {
  try {
    return (await ctx.clients.secrets(input.vaultUri).getSecret(input.secretName)).value;
  } catch (e) {
    if ((e as RestError).statusCode === 404) return undefined;
    throw e;
  }
}

export const secretStoreStep = {
  name: "secretStore",
  health: "snapshot",
  key: (input) => `${String(input.vaultUri).toLowerCase()}|${String(input.secretName).toLowerCase()}`,
  dependency: { kind: "keyVaultSecret", resourceId: (r) => (r.outputs?.secretUri ? String(r.outputs.secretUri) : undefined) },
  undo: { kind: "shared", whenObsolete: "undo", kept: "the secretStore step's changes (used by other connections)" },

  preview: (input, changes) => changes.map((description) => ({
    operationType: "configConnection", description, action: SECRET_WRITE, scope: vaultOf(input),
  })),

  requires: {
    apply: (input, properties) => [
      ...secretReadRequirements(input.source),
      { scope: vaultOf(input, properties), action: SET_SECRET, dataAction: true, why: "store the connection's secret in the Key Vault" },
    ],
    undo: (r, properties) => [{ scope: vaultOf(r.input, properties), action: DELETE_SECRET, dataAction: true, why: "delete the connection's Key Vault secret" }],
  },

  async plan(input, ctx): Promise<StepPlan> {
    const [current, wanted] = await Promise.all([currentValue(input, ctx), resolveSecretValue(input.source, ctx)]);
    return current === wanted ? { changes: [] } : { changes: [`Store the secret ${input.secretName} in ${input.vaultUri}.`] };
  },

  async apply(input, ctx): Promise<StepOutcome<SecretStorePrior>> {
    const [current, wanted] = await Promise.all([currentValue(input, ctx), resolveSecretValue(input.source, ctx)]);
    const outputs = { secretUri: secretUri(input.vaultUri, input.secretName) };
    if (current === wanted) return { changed: false, outputs };
    // Every write adds a version: a write whose answer was lost is not sent again blindly; it took effect when the
    // secret now holds the value (then once, as wanted), else it is written once more.
    const write = () => ctx.clients.secrets(input.vaultUri).setSecret(input.secretName, wanted, {
      tags: { managedBy: "linkwright" }, requestOptions: { headers: { [AT_MOST_ONCE_HEADER]: "1" } },
    });
    const prior: SecretStorePrior = current === undefined ? { existed: false } : { existed: true, priorSealed: ctx.sealer.seal(current) };
    await ctx.writeAhead?.(prior);
    try {
      await write();
    } catch (e) {
      if ((e as RestError).code !== OUTCOME_UNKNOWN) throw e;
      if ((await currentValue(input, ctx)) !== wanted) await write();
    }
    return { changed: true, prior, outputs };
  },

  async compensate(input, prior, ctx): Promise<void> {
    const client = ctx.clients.secrets(input.vaultUri);
    if (prior.existed && prior.priorSealed) {
      await client.setSecret(input.secretName, ctx.sealer.unseal(prior.priorSealed));
      return;
    }
    try {
      const poller = await client.beginDeleteSecret(input.secretName);
      await poller.pollUntilDone();
    } catch (e) {
      // Not found: never written, or deleted already — by this very delete when its answer was lost and the SDK's
      // retry found it gone; then it waits, soft-deleted, to be purged.
      if ((e as RestError).statusCode !== 404) throw e;
    }
    await client.purgeDeletedSecret(input.secretName).catch(() => undefined);
  },

  async verify(input, ctx): Promise<CheckResult> {
    const current = await currentValue(input, ctx);
    if (current === undefined) {
      return {
        name: "Key Vault secret", result: "failure", description: `The secret ${input.secretName} exists in ${input.vaultUri}.`,
        errorCode: "SecretNotFound", errorMessage: `The Key Vault reference points at a missing secret. Re-run the connection to store it again.`,
      };
    }
    const wanted = await resolveSecretValue(input.source, ctx);
    return current === wanted
      ? { name: "Key Vault secret", result: "success", description: `The secret ${input.secretName} is current.` }
      : {
          name: "Key Vault secret", result: "failure", description: `The secret ${input.secretName} is current.`,
          errorCode: "SecretOutdated",
          errorMessage: "The stored secret no longer matches the target's keys (a key was rotated). Re-run the connection to refresh it.",
        };
  },
} satisfies Step<KeyVaultSecretInput, SecretStorePrior>;
