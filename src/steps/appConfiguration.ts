// Configuration into App Configuration (configurationInfo.configurationStore.appConfigurationId): the connection's
// settings become key-values of the store instead of the source's app settings. Plain values are plain key-values;
// secrets kept in Key Vault (secretStore) become Key Vault reference key-values; other secrets are resolved inside
// the activity and written as values. No label unless the input names one; every written key-value is tagged
// managedBy=linkwright.
// Writes are conditional (If-Match on the etag read, If-None-Match: * for new keys), so an outside change made
// between our read and our write fails the step instead of being overwritten; the keys this apply already wrote
// are then put back. A write whose answer was lost is retried by the SDK and refused as changed: a key that then holds
// exactly what the write sent (or, for a removal, is gone) counts as written. Compensation restores a key only while it still carries the etag our write produced.
// Keys are per connection: a delete undoes what this one wrote; an update writing to another store (or none) undoes
// the keys of the previous one like a delete, while keys no longer wanted in the same store go by the run's `remove`.
import type { AppConfigurationClient, ConfigurationSetting } from "@azure/app-configuration";
import type { RestError } from "@azure/core-rest-pipeline";
import { resolveSecretValue, secretReadRequirements } from "./secretValues.js";
import { mergeWrittenEntries } from "./writtenEntries.js";
import type { SettingSpec } from "../model/steps.js";
import type { CheckResult, Step, StepContext, StepOutcome, StepPlan } from "./step.js";
import type { AppConfigurationKeySpec, AppConfigurationKeysInput } from "../model/steps.js";
import {
  APP_CONFIGURATION_DATA_OWNER, KEY_VAULT_REFERENCE_CONTENT_TYPE, OWNERSHIP_TAG, dataOwnerGrantCommand,
  keyVaultReferenceUri, keyVaultReferenceValue, readAppConfigurationStoreEndpoint, secretUriOfAppSettingReference,
} from "../targets/appConfiguration.js";

const KEY_VALUE_WRITE = "Microsoft.AppConfiguration/configurationStores/keyValues/write";
const KEY_VALUE_DELETE = "Microsoft.AppConfiguration/configurationStores/keyValues/delete";

export interface AppConfigurationPrior {
  changed: {
    key: string;
    existed: boolean;
    /** Sealed JSON {value, contentType, tags} of the key-value before apply. */
    priorSealed?: string;
    /** Etag of the key-value apply wrote; absent when apply deleted the key. */
    writtenEtag?: string;
  }[];
}

/** A key-value's content as far as the connection cares. */
interface KvContent { value: string; contentType?: string }
interface PriorContent { value?: string; contentType?: string; tags?: Record<string, string> }

/** A data-plane failure with an Azure error code, as the activities report it. */
export class AppConfigurationKeysError extends Error {
  constructor(readonly code: string, message: string, readonly statusCode?: number) {
    super(message);
    this.name = "AppConfigurationKeysError";
  }
}

/** The step input from the settings a plan would write to the source (src/model/steps.ts SettingSpec): App
 *  Service Key Vault references (`@Microsoft.KeyVault(SecretUri=…)`) become Key Vault reference key-values. */
export function appConfigurationKeysInputFor(options: {
  storeId: string;
  endpoint?: string;
  settings: SettingSpec[];
  label?: string;
  remove?: { key: string; writtenSealed: string }[];
}): AppConfigurationKeysInput {
  const keys = options.settings.map((s): AppConfigurationKeySpec => {
    if (s.secretSource) return { key: s.name, secretSource: s.secretSource };
    const uri = secretUriOfAppSettingReference(s.value);
    if (uri) return { key: s.name, keyVaultReference: uri };
    if (s.value === undefined) throw new Error(`Setting ${s.name} has neither a value nor a secret source.`);
    return { key: s.name, value: s.value };
  });
  return {
    storeId: options.storeId, ...(options.endpoint ? { endpoint: options.endpoint } : {}), keys,
    ...(options.label ? { label: options.label } : {}),
    ...(options.remove?.length ? { remove: options.remove } : {}),
  };
}

type Resolved = AppConfigurationKeysInput & { endpoint: string };

async function resolved(input: AppConfigurationKeysInput, ctx: StepContext): Promise<Resolved> {
  return input.endpoint ? (input as Resolved) : { ...input, endpoint: await readAppConfigurationStoreEndpoint(ctx.clients, input.storeId) };
}

/** Versionless secret URI without the trailing slash App Service references carry. */
function normalizeSecretUri(uri: string): string {
  return uri.replace(/\/+$/, "");
}

/** What every key of the input should hold, by key. */
async function desiredContents(input: AppConfigurationKeysInput, ctx: StepContext): Promise<Map<string, KvContent>> {
  return new Map(await Promise.all(input.keys.map(async (k) => [k.key, await desiredContent(k, ctx)] as const)));
}

async function desiredContent(spec: AppConfigurationKeySpec, ctx: StepContext): Promise<KvContent> {
  if (spec.keyVaultReference) {
    return { value: keyVaultReferenceValue(normalizeSecretUri(spec.keyVaultReference)), contentType: KEY_VAULT_REFERENCE_CONTENT_TYPE };
  }
  if (spec.secretSource) return { value: await resolveSecretValue(spec.secretSource, ctx) };
  if (spec.value === undefined) throw new Error(`Key ${spec.key} has neither a value, a secret source nor a Key Vault reference.`);
  return { value: spec.value };
}

function isKeyVaultReference(contentType: string | undefined): boolean {
  return (contentType ?? "").replace(/\s+/g, "").toLowerCase() === KEY_VAULT_REFERENCE_CONTENT_TYPE.toLowerCase();
}

/** Key Vault references are equal when they point at the same secret; other values when the text is equal. */
function sameContent(current: { value?: string; contentType?: string } | undefined, wanted: KvContent): boolean {
  if (!current) return false;
  const refCurrent = isKeyVaultReference(current.contentType);
  if (refCurrent !== isKeyVaultReference(wanted.contentType)) return false;
  if (refCurrent) {
    const a = keyVaultReferenceUri(current.value);
    const b = keyVaultReferenceUri(wanted.value);
    return a !== undefined && b !== undefined && normalizeSecretUri(a).toLowerCase() === normalizeSecretUri(b).toLowerCase();
  }
  return current.value === wanted.value;
}

function validate(input: AppConfigurationKeysInput): void {
  const seen = new Set<string>();
  for (const k of input.keys) {
    if (!k.key) throw new AppConfigurationKeysError("BadRequest", "A key-value without a key cannot be written to App Configuration.");
    if (seen.has(k.key)) throw new AppConfigurationKeysError("BadRequest", `The key ${k.key} appears twice in the connection's configuration.`);
    seen.add(k.key);
  }
}

const labelText = (input: AppConfigurationKeysInput) => (input.label ? ` (label ${input.label})` : "");
const storeName = (storeId: string) => storeId.split("/").pop() ?? storeId;

/** linkwright's own object id from a data-plane token, for a copy-pasteable fix; undefined when unavailable. */
async function ownPrincipalId(ctx: StepContext): Promise<string | undefined> {
  try {
    const token = await ctx.clients.dataPlaneToken("https://azconfig.io/.default");
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { oid?: unknown };
    return typeof payload.oid === "string" ? payload.oid : undefined;
  } catch {
    return undefined;
  }
}

/** Turns a data-plane RestError into an error naming the cause and the fix; other errors pass through. */
async function explain(e: unknown, input: Resolved, ctx: StepContext, key?: string): Promise<unknown> {
  const status = (e as RestError).statusCode;
  const what = key ? `the key-value ${key}${labelText(input)}` : "key-values";
  if (status === 401) {
    return new AppConfigurationKeysError("AuthenticationFailed",
      `The App Configuration store ${storeName(input.storeId)} rejected linkwright's Entra token (HTTP 401). Check that the store ` +
      "accepts Microsoft Entra authentication for linkwright's tenant and that its endpoint is the one the store reports.", status);
  }
  if (status === 403) {
    return new AppConfigurationKeysError("AuthorizationFailed",
      `linkwright's identity is not allowed to read and write ${what} in the App Configuration store ${storeName(input.storeId)} ` +
      `(HTTP 403). Grant it the role '${APP_CONFIGURATION_DATA_OWNER.name}' (${APP_CONFIGURATION_DATA_OWNER.id}) on the store: ` +
      `${dataOwnerGrantCommand(input.storeId, await ownPrincipalId(ctx))}`, status);
  }
  if (status === 412) {
    return new AppConfigurationKeysError("PreconditionFailed",
      `${what} in the App Configuration store ${storeName(input.storeId)} was changed by someone else after linkwright read it; ` +
      "it was not overwritten, and the keys this run had already written were put back. Re-run the connection to write over the current value.", status);
  }
  if (status === 409) {
    return new AppConfigurationKeysError("Conflict",
      `${what} in the App Configuration store ${storeName(input.storeId)} is read-only (locked). Unlock it ` +
      `(az appconfig kv unlock --endpoint ${input.endpoint} --auth-mode login --key ${key ?? "<key>"}${input.label ? ` --label ${input.label}` : ""}) ` +
      "or leave it out of the connection's configuration.", status);
  }
  return e;
}

type Current = Map<string, ConfigurationSetting>;

async function readCurrent(client: AppConfigurationClient, input: Resolved, ctx: StepContext, keys: string[]): Promise<Current> {
  const found = await Promise.all(keys.map(async (key) => {
    try {
      return await client.getConfigurationSetting({ key, ...(input.label ? { label: input.label } : {}) });
    } catch (e) {
      if ((e as RestError).statusCode === 404) return undefined;
      throw await explain(e, input, ctx);
    }
  }));
  const out: Current = new Map();
  found.forEach((kv, i) => { if (kv) out.set(keys[i]!, kv); });
  return out;
}

interface Diff {
  desired: Map<string, KvContent>;
  upsert: string[];
  remove: string[];
  current: Current;
}

async function diff(input: Resolved, ctx: StepContext): Promise<Diff> {
  validate(input);
  const client = ctx.clients.appConfiguration(input.endpoint);
  const desired = await desiredContents(input, ctx);
  const removals = (input.remove ?? []).filter((r) => !desired.has(r.key));
  const current = await readCurrent(client, input, ctx, [...desired.keys(), ...removals.map((r) => r.key)]);
  const upsert = [...desired].filter(([key, d]) => !sameContent(current.get(key), d)).map(([key]) => key);
  const remove = removals.filter((r) => {
    const kv = current.get(r.key);
    return kv !== undefined && sameContent(kv, JSON.parse(ctx.sealer.unseal(r.writtenSealed)) as KvContent);
  }).map((r) => r.key);
  return { desired, upsert, remove, current };
}

function setting(input: AppConfigurationKeysInput, key: string, content: PriorContent, etag?: string) {
  return {
    key, ...(input.label ? { label: input.label } : {}), ...(content.value !== undefined ? { value: content.value } : {}),
    ...(content.contentType ? { contentType: content.contentType } : {}),
    tags: content.tags ?? {},
    ...(etag ? { etag } : {}),
  };
}

/** Puts one key back as it was before apply, only while it still carries the etag apply's write produced
 *  (a deleted key: only while it is still absent). Returns false when someone else changed it since. */
async function restore(client: AppConfigurationClient, input: Resolved, entry: AppConfigurationPrior["changed"][number], ctx: StepContext): Promise<boolean> {
  const prior = entry.priorSealed ? (JSON.parse(ctx.sealer.unseal(entry.priorSealed)) as PriorContent) : undefined;
  try {
    if (entry.writtenEtag === undefined) {
      if (prior) await client.addConfigurationSetting(setting(input, entry.key, prior));
    } else if (entry.existed && prior) {
      await client.setConfigurationSetting(setting(input, entry.key, prior, entry.writtenEtag), { onlyIfUnchanged: true });
    } else {
      await client.deleteConfigurationSetting({ key: entry.key, ...(input.label ? { label: input.label } : {}), etag: entry.writtenEtag }, { onlyIfUnchanged: true });
    }
    return true;
  } catch (e) {
    const status = (e as RestError).statusCode;
    if (status === 412 || status === 404) return false;
    throw await explain(e, input, ctx, entry.key);
  }
}

/** The key as it is now when it holds exactly `content` (value, content type and tags); null when it is absent;
 *  undefined otherwise (someone else's change). */
async function holding(client: AppConfigurationClient, input: Resolved, key: string, content?: PriorContent): Promise<ConfigurationSetting | null | undefined> {
  let kv: ConfigurationSetting;
  try {
    kv = await client.getConfigurationSetting({ key, ...(input.label ? { label: input.label } : {}) });
  } catch (e) {
    if ((e as RestError).statusCode === 404) return null;
    throw e;
  }
  const sortedTags = (t: Record<string, string> | undefined) => JSON.stringify(Object.entries(t ?? {}).sort());
  const same = content !== undefined && kv.value === content.value && (kv.contentType ?? undefined) === (content.contentType ?? undefined)
    && sortedTags(kv.tags) === sortedTags(content.tags);
  return same ? kv : undefined;
}

function priorContent(kv: ConfigurationSetting): PriorContent {
  return { ...(kv.value !== undefined ? { value: kv.value } : {}), ...(kv.contentType ? { contentType: kv.contentType } : {}), tags: kv.tags ?? {} };
}

export const appConfigurationStep = {
  name: "appConfiguration",
  health: "verify",
  key: (input) => `${String(input.storeId).toLowerCase()}|${String(input.label ?? "")}`,
  dependency: null,
  undo: { kind: "perConnection", whenObsolete: "undo" },
  mergePrior: mergeWrittenEntries,

  preview: (input, changes) => changes.map((description) => ({
    operationType: "configConnection", description, action: KEY_VALUE_WRITE, scope: input.storeId,
  })),

  requires: {
    apply: (input) => [
      ...input.keys.flatMap((k) => secretReadRequirements(k.secretSource)),
      { scope: input.storeId, action: KEY_VALUE_WRITE, dataAction: true, why: "write the connection's keys in the App Configuration store" },
    ],
    undo: (r) => [{ scope: String(r.input.storeId), action: KEY_VALUE_DELETE, dataAction: true, why: "remove the connection's App Configuration keys" }],
  },

  async plan(request, ctx): Promise<StepPlan> {
    const input = await resolved(request, ctx);
    const { upsert, remove } = await diff(input, ctx);
    const where = `in the App Configuration store ${storeName(input.storeId)}${labelText(input)}`;
    return { changes: [...upsert.map((k) => `Set key ${k} ${where}.`), ...remove.map((k) => `Remove key ${k} ${where}.`)] };
  },

  // A run resumed after the host died: what each key held comes from the earlier run; the etag of a key it wrote from
  // this run's write, or — the key already holding what the step writes, the earlier run's write — from the store.
  async resume(earlier, now, request, ctx): Promise<AppConfigurationPrior> {
    const input = await resolved(request, ctx);
    const client = ctx.clients.appConfiguration(input.endpoint);
    const desired = await desiredContents(input, ctx);
    const fresh = new Map((now.prior?.changed ?? []).map((e) => [e.key, e]));
    const current = await readCurrent(client, input, ctx, earlier.changed.filter((e) => desired.has(e.key) && !fresh.has(e.key)).map((e) => e.key));
    const changed: AppConfigurationPrior["changed"] = [];
    for (const e of earlier.changed) {
      const wanted = desired.get(e.key);
      const mine = fresh.get(e.key);
      if (!wanted) changed.push(e);
      else if (mine) changed.push({ ...e, writtenEtag: mine.writtenEtag });
      else if (current.has(e.key) && sameContent(current.get(e.key), wanted)) changed.push({ ...e, writtenEtag: current.get(e.key)!.etag });
      // else: someone else changed the key since the earlier run wrote it; it is theirs now.
    }
    for (const e of fresh.values()) if (!earlier.changed.some((x) => x.key === e.key)) changed.push(e);
    return { changed };
  },

  async apply(request, ctx): Promise<StepOutcome<AppConfigurationPrior>> {
    const input = await resolved(request, ctx);
    const client = ctx.clients.appConfiguration(input.endpoint);
    const { desired, upsert, remove, current } = await diff(input, ctx);
    const outputs = { written: [...desired].map(([key, d]) => ({ key, writtenSealed: ctx.sealer.seal(JSON.stringify(d)) })) };
    if (upsert.length === 0 && remove.length === 0) return { changed: false, outputs };

    const done: AppConfigurationPrior["changed"] = [];
    const before = (key: string) => {
      const kv = current.get(key);
      return { key, existed: kv !== undefined, ...(kv ? { priorSealed: ctx.sealer.seal(JSON.stringify(priorContent(kv))) } : {}) };
    };
    // Ahead of the writes: what each key held (the etags the writes produce are known only after them; see resume).
    await ctx.writeAhead?.({ changed: [...upsert, ...remove].map(before) } satisfies AppConfigurationPrior);
    try {
      for (const key of upsert) {
        const existing = current.get(key);
        const content: PriorContent = { ...desired.get(key)!, tags: { ...(existing?.tags ?? {}), ...OWNERSHIP_TAG } };
        try {
          const written = existing
            ? await client.setConfigurationSetting(setting(input, key, content, existing.etag), { onlyIfUnchanged: true })
            : await client.addConfigurationSetting(setting(input, key, content));
          done.push({ ...before(key), writtenEtag: written.etag });
        } catch (e) {
          // A lost answer: the SDK's retry of this conditional write finds the key changed — by this very write.
          const mine = (e as RestError).statusCode === 412 ? await holding(client, input, key, content) : undefined;
          if (!mine) throw await explain(e, input, ctx, key);
          done.push({ ...before(key), writtenEtag: mine.etag });
        }
      }
      for (const key of remove) {
        try {
          await client.deleteConfigurationSetting({ key, ...(input.label ? { label: input.label } : {}), etag: current.get(key)!.etag }, { onlyIfUnchanged: true });
          done.push(before(key));
        } catch (e) {
          // Likewise a removal whose answer was lost: the key is gone.
          const status = (e as RestError).statusCode;
          if ((status !== 412 && status !== 404) || (await holding(client, input, key)) !== null) throw await explain(e, input, ctx, key);
          done.push(before(key));
        }
      }
    } catch (e) {
      // Leave the store as this apply found it (where nobody else has changed it since), then report.
      for (const entry of done.reverse()) await restore(client, input, entry, ctx).catch(() => false);
      throw e;
    }
    return { changed: true, prior: { changed: done }, outputs };
  },

  async compensate(request, prior, ctx): Promise<void> {
    const input = await resolved(request, ctx);
    const client = ctx.clients.appConfiguration(input.endpoint);
    for (const entry of [...prior.changed].reverse()) await restore(client, input, entry, ctx);
  },

  async verify(input, ctx): Promise<CheckResult> {
    const name = "App Configuration";
    const description = `The connection's key-values are present in the App Configuration store ${storeName(input.storeId)}${labelText(input)}.`;
    let current: Current;
    let desired: Map<string, KvContent>;
    try {
      validate(input);
      const store = await resolved(input, ctx).catch((e: unknown) => {
        if ((e as RestError).statusCode !== 404) throw e;
        throw new AppConfigurationKeysError("ResourceNotFound",
          `The App Configuration store ${input.storeId} was not found. Point configurationInfo.configurationStore.appConfigurationId at an existing store, or remove it to write the configuration to the source again.`, 404);
      });
      desired = await desiredContents(input, ctx);
      current = await readCurrent(ctx.clients.appConfiguration(store.endpoint), store, ctx, [...desired.keys()]);
    } catch (e) {
      if (!(e instanceof AppConfigurationKeysError)) throw e;
      return { name, result: "failure", description, errorCode: e.code, errorMessage: e.message };
    }
    const missing = [...desired.keys()].filter((k) => !current.has(k));
    const differing = [...desired].filter(([k, d]) => current.has(k) && !sameContent(current.get(k), d)).map(([k]) => k);
    if (!missing.length && !differing.length) return { name, result: "success", description };
    return {
      name, result: "failure", description,
      errorCode: missing.length ? "ConfigurationMissing" : "ConfigurationChanged",
      errorMessage: [
        missing.length ? `Missing key-values: ${missing.join(", ")}.` : "",
        differing.length ? `Changed outside linkwright: ${differing.join(", ")}.` : "",
        `Re-run the connection (PUT the linker again) to write them to ${storeName(input.storeId)} again.`,
      ].filter(Boolean).join(" "),
    };
  },
} satisfies Step<AppConfigurationKeysInput, AppConfigurationPrior>;
