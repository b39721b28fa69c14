// Configuration: the connection's settings on the source (App Service app settings, or the scoped container's
// env vars + secrets), by read-merge-write. Prior values and written values are kept sealed, so compensation can
// restore exactly what was there — and only where the setting still holds what this step wrote.
// Settings are per connection: a delete undoes what this one wrote; an update's run removes what it no longer wants
// itself (its `remove` list), so the previous record is never undone on top.
import { parseResourceId } from "../azure/resourceId.js";
import { sourceAdapterFor } from "../sources/index.js";
import type { SourceSetting } from "../sources/types.js";
import { resolveSecretValue, secretReadRequirements } from "./secretValues.js";
import { mergeWrittenEntries } from "./writtenEntries.js";
import type { CheckResult, Step, StepContext, StepOutcome, StepPlan } from "./step.js";
import type { SettingsInput } from "../model/steps.js";

/** The action that writes a source's settings: App Service config, or the container app itself. */
export function settingsWriteAction(sourceId: string): string {
  const type = parseResourceId(sourceId)?.fullType ?? "";
  if (type.toLowerCase() === "microsoft.web/sites") return "Microsoft.Web/sites/config/write";
  if (type.toLowerCase() === "microsoft.web/sites/slots") return "Microsoft.Web/sites/slots/config/write";
  return `${type}/write`;
}

export interface ConfigurationPrior {
  changed: { name: string; existed: boolean; priorSealed?: string; writtenSealed?: string }[];
}

async function desiredValues(input: SettingsInput, ctx: StepContext): Promise<SourceSetting[]> {
  return Promise.all(input.settings.map(async (s) => {
    if (s.secretSource) return { name: s.name, value: await resolveSecretValue(s.secretSource, ctx), secret: true };
    if (s.value === undefined) throw new Error(`Setting ${s.name} has neither a value nor a secret source.`);
    return { name: s.name, value: s.value };
  }));
}

function diff(current: Record<string, string>, desired: SourceSetting[], input: SettingsInput, ctx: StepContext) {
  const upsert = desired.filter((d) => current[d.name] !== d.value);
  const remove = (input.remove ?? []).filter((r) => r.name in current && current[r.name] === ctx.sealer.unseal(r.writtenSealed)
    && !desired.some((d) => d.name === r.name));
  return { upsert, remove: remove.map((r) => r.name) };
}

export const configurationStep = {
  name: "configuration",
  health: "snapshot",
  key: (input) => `${String(input.sourceId).toLowerCase()}|${String(input.scope ?? "").toLowerCase()}`,
  dependency: null,
  undo: { kind: "perConnection", whenObsolete: "leave" },
  mergePrior: mergeWrittenEntries,

  preview: (input, changes) => changes.map((description) => ({
    operationType: "configConnection", description, action: settingsWriteAction(input.sourceId), scope: input.sourceId,
  })),

  requires: {
    apply: (input) => [
      ...input.settings.flatMap((s) => secretReadRequirements(s.secretSource)),
      { scope: input.sourceId, action: settingsWriteAction(input.sourceId), why: "write the connection's settings" },
    ],
    undo: (r) => [{ scope: String(r.input.sourceId), action: settingsWriteAction(String(r.input.sourceId)), why: "remove the connection's settings" }],
  },

  async plan(input, ctx): Promise<StepPlan> {
    const source = sourceAdapterFor(ctx.clients, input.sourceId, input.scope);
    const { upsert, remove } = diff(await source.readSettings(), await desiredValues(input, ctx), input, ctx);
    return { changes: [...upsert.map((u) => `Set ${u.name}.`), ...remove.map((r) => `Remove ${r}.`)] };
  },

  async apply(input, ctx): Promise<StepOutcome<ConfigurationPrior>> {
    const source = sourceAdapterFor(ctx.clients, input.sourceId, input.scope);
    // Secret values (listKeys…) and the current set are read together; the write follows the read immediately.
    const [desired, current] = await Promise.all([desiredValues(input, ctx), source.readSettings()]);
    const { upsert, remove } = diff(current, desired, input, ctx);
    const written = Object.fromEntries(desired.map((d) => [d.name, ctx.sealer.seal(d.value)]));
    const outputs = { written: input.settings.map((s) => ({ name: s.name, writtenSealed: written[s.name]! })) };
    if (upsert.length === 0 && remove.length === 0) return { changed: false, outputs };
    const prior: ConfigurationPrior = {
      changed: [...upsert.map((u) => u.name), ...remove].map((name) => ({
        name,
        existed: name in current,
        priorSealed: name in current ? ctx.sealer.seal(current[name]!) : undefined,
        writtenSealed: upsert.some((u) => u.name === name) ? written[name] : undefined,
      })),
    };
    await ctx.writeAhead?.(prior);
    await source.updateSettings({ upsert, remove }, current);
    return { changed: true, prior, outputs };
  },

  async compensate(input, prior, ctx): Promise<void> {
    const source = sourceAdapterFor(ctx.clients, input.sourceId, input.scope);
    const current = await source.readSettings();
    const upsert: SourceSetting[] = [];
    const remove: string[] = [];
    for (const c of prior.changed) {
      const stillOurs = c.writtenSealed === undefined ? !(c.name in current) : current[c.name] === ctx.sealer.unseal(c.writtenSealed);
      if (!stillOurs) continue;
      if (c.existed && c.priorSealed !== undefined) {
        const secret = input.settings.find((s) => s.name === c.name)?.secretSource !== undefined;
        upsert.push({ name: c.name, value: ctx.sealer.unseal(c.priorSealed), secret });
      } else {
        remove.push(c.name);
      }
    }
    if (upsert.length || remove.length) await source.updateSettings({ upsert, remove }, current);
  },

  async verify(input, ctx): Promise<CheckResult> {
    const source = sourceAdapterFor(ctx.clients, input.sourceId, input.scope);
    const current = await source.readSettings();
    const desired = await desiredValues(input, ctx);
    const missing = desired.filter((d) => !(d.name in current)).map((d) => d.name);
    const differing = desired.filter((d) => d.name in current && current[d.name] !== d.value).map((d) => d.name);
    if (!missing.length && !differing.length) {
      return { name: "Configuration", result: "success", description: "The connection's settings are present on the source." };
    }
    return {
      name: "Configuration", result: "failure", description: "The connection's settings are present on the source.",
      errorCode: missing.length ? "ConfigurationMissing" : "ConfigurationChanged",
      errorMessage: [
        missing.length ? `Missing: ${missing.join(", ")}.` : "",
        differing.length ? `Changed outside linkwright: ${differing.join(", ")}.` : "",
        "Re-run the connection (PUT the linker again) to restore them.",
      ].filter(Boolean).join(" "),
    };
  },
} satisfies Step<SettingsInput, ConfigurationPrior>;
