// Turns a (target, auth, client) cell plus resolved facts into the ordered configuration entries a connection writes:
// default names → binding-aware names (optional) → CONN2 rule → customizedKeys → additionalConfigurations.
// The names the caller chose (customizedKeys values, additionalConfigurations keys, binding-aware names) never match
// the setting-name deny list (./settingNames.ts).
import { checkCombination, descriptorOf } from "./combination.js";
import { MissingFactError } from "./entries.js";
import { isHostStorageConnectionSetting, settingNameIssue } from "./settingNames.js";
import type { CatalogueError, ConfigurationEntry, EntrySpec, TargetDescriptor, TargetFacts } from "./types.js";

/** additionalConfigurations key that asks for Functions identity-based names for a binding `connection` prefix. */
export const FUNCTIONS_CONNECTION_KEY = "linkwright.functionsConnection";
/** Every additionalConfigurations key starting with this is a linkwright option, never written to the source. */
export const OPTION_KEY_PREFIX = "linkwright.";

export interface BindingNames {
  /** The binding's `connection` value. */
  prefix: string;
  /** `__` for app settings / env vars, `:` when the values are stored in App Configuration (§7). */
  separator: "__" | ":";
}

export interface ConfigurationRequest {
  targetKind: string;
  /** Checked against the target's auth types for this source kind; defaults to webapp (all four share one list). */
  sourceKind?: string;
  authType: string;
  clientType: string;
  facts: TargetFacts;
  /** The connection (linker) name; needed when the CONN2 rule applies. */
  connectionName?: string;
  customizedKeys?: Record<string, string> | null;
  additionalConfigurations?: Record<string, string> | null;
  /** Names already present on the source that belong to OTHER connections/settings (drives the CONN2 rule). */
  existingNames?: Iterable<string>;
  /** Write Functions identity-based names for this binding prefix instead of the Service Connector defaults. */
  binding?: BindingNames;
  /** Setting-name patterns the platform denies beyond the built-in list (LINKWRIGHT_DENIED_SETTINGS, parsed). */
  deniedSettings?: readonly string[];
}

/** Where the binding-aware prefix is chosen in the request. */
const BINDING_FIELD = `properties.configurationInfo.additionalConfigurations.${FUNCTIONS_CONNECTION_KEY}`;

const badRequest = (message: string, target?: string): CatalogueError => ({ code: "BadRequest", message, ...(target ? { target } : {}) });

/** The ordered entries, or a CatalogueError (unsupported combination, missing fact, name conflict). */
export function configurationEntries(req: ConfigurationRequest): ConfigurationEntry[] | CatalogueError {
  const problem = checkCombination({ ...req, sourceKind: req.sourceKind ?? "webapp" });
  if (problem) return badRequest(problem.message, `properties.${problem.field}`);
  const d = descriptorOf(req.targetKind)!;
  try {
    const base = req.binding ? bindingEntries(d, req) : defaultEntries(d, req);
    if ("code" in base) return base;
    const existing = new Set([...(req.existingNames ?? [])].map((n) => n.toLowerCase()));
    const renamed = applyConn2(base, existing, req.connectionName);
    if ("code" in renamed) return renamed;
    const customized = applyCustomizedKeys(renamed, req.customizedKeys ?? {});
    const additional: Chosen[] = Object.entries(req.additionalConfigurations ?? {})
      .filter(([k]) => !k.startsWith(OPTION_KEY_PREFIX))
      .map(([name, value]) => ({
        name, value, isSecret: false, description: "Additional configuration from the request",
        chosenAt: `properties.configurationInfo.additionalConfigurations.${name}`,
      }));
    const all = [...customized, ...additional];
    // A local connection writes nothing (its configuration is only returned): the platform-setting deny list guards
    // what linkwright writes to an app, so it does not apply to the names a local connection chooses.
    return checkNames(all, existing, req.deniedSettings ?? [], req.sourceKind !== "local");
  } catch (e) {
    if (e instanceof MissingFactError) {
      return {
        code: "MissingTargetFact",
        message: `${d.kind} ${req.authType}/${req.clientType} needs the target fact '${e.fact}', which was not resolved`,
      };
    }
    throw e;
  }
}

/** An entry with the request field that chose its name, when the caller chose it (not a catalogue default). */
interface Chosen extends ConfigurationEntry {
  chosenAt?: string;
}

interface Named extends Chosen {
  /** The default name before renaming (the customizedKeys lookup key). */
  defaultName: string;
  conn2?: EntrySpec["conn2"];
}

function defaultEntries(d: TargetDescriptor, req: ConfigurationRequest): Named[] {
  const specs = d.cells[req.authType as keyof typeof d.cells]![req.clientType as never] as EntrySpec[];
  return specs
    .filter((s) => !s.appliesTo || s.appliesTo(req.facts))
    .map((s) => ({
      name: s.name,
      defaultName: s.name,
      value: s.value(req.facts),
      isSecret: s.isSecret,
      description: s.description,
      ...(s.conn2 ? { conn2: s.conn2 } : {}),
    }));
}

/** Functions identity-based names `<prefix>__<property>` (§7); secret auth writes `<prefix>` = connection string. */
function bindingEntries(d: TargetDescriptor, req: ConfigurationRequest): Named[] | CatalogueError {
  const b = d.binding;
  const { prefix, separator: sep } = req.binding!;
  if (!b) return badRequest(`${d.kind} has no Azure Functions binding; binding-aware names are not available`, `properties.configurationInfo.additionalConfigurations.${FUNCTIONS_CONNECTION_KEY}`);
  const entry = (name: string, value: string, description: string, isSecret = false): Named => ({ name, defaultName: name, value, isSecret, description, chosenAt: BINDING_FIELD });
  switch (req.authType) {
    case "secret": {
      if (!b.secretValue) return badRequest(`${d.kind} bindings have no connection-string form; use an identity auth type`, "properties.authInfo.authType");
      return [entry(prefix, b.secretValue(req.facts), `Connection string read by the binding connection '${prefix}'`, true)];
    }
    case "userAccount":
      // A local connection: the Functions host running locally signs in as the developer (its default credential chain).
      return b.identity.map((p) => entry(`${prefix}${sep}${p.property}`, p.value(req.facts), p.description));
    case "systemAssignedIdentity":
    case "userAssignedIdentity": {
      const out = b.identity.map((p) => entry(`${prefix}${sep}${p.property}`, p.value(req.facts), p.description));
      out.push(entry(`${prefix}${sep}credential`, "managedidentity", "The binding authenticates with a managed identity"));
      if (req.authType === "userAssignedIdentity") {
        const clientId = req.facts.clientId;
        if (!clientId) throw new MissingFactError("clientId");
        out.push(entry(`${prefix}${sep}clientId`, clientId, "Client id of the user-assigned managed identity"));
      }
      return out;
    }
    default:
      return badRequest(
        `binding-aware names support authType systemAssignedIdentity, userAssignedIdentity, secret (and userAccount locally); ` +
          `Functions accepts service principal settings (<prefix>__tenantId/__clientId/__clientSecret) only when running locally`,
        "properties.authInfo.authType",
      );
  }
}

/**
 * CONN2 rule (§2): when a `<Cloud>_<Type>_<Name>` default already exists on the source (another connection of the
 * same target type wrote it), every such name of this connection becomes `<Cloud>_<Type>_<CONNECTIONNAME>_<Name>`.
 */
function applyConn2(entries: Named[], existing: Set<string>, connectionName: string | undefined): Named[] | CatalogueError {
  const collides = entries.some((e) => e.conn2 && existing.has(e.name.toLowerCase()));
  if (!collides) return entries;
  if (!connectionName) return badRequest("a connection name is needed to apply the CONN2 naming rule");
  const conn = connectionName.toUpperCase();
  return entries.map((e) => (e.conn2 ? { ...e, name: `${e.conn2.prefix}_${conn}_${e.conn2.suffix}` } : e));
}

/** customizedKeys maps a default name (or its CONN2 form) to a custom name. */
function applyCustomizedKeys(entries: Named[], customizedKeys: Record<string, string>): Chosen[] {
  const lookup = new Map(Object.entries(customizedKeys).map(([k, v]) => [k.toLowerCase(), { key: k, name: v }]));
  return entries.map(({ defaultName, conn2: _conn2, ...e }) => {
    const custom = lookup.get(e.name.toLowerCase()) ?? lookup.get(defaultName.toLowerCase());
    if (!custom?.name) return e;
    // Mapping a name to itself chooses nothing new.
    if (custom.name.toLowerCase() === e.name.toLowerCase()) return { ...e, name: custom.name };
    return { ...e, name: custom.name, chosenAt: `properties.configurationInfo.customizedKeys.${custom.key}` };
  });
}

/** The variable a host reads a setting as: case-insensitive, '.' and '-' as '_' (Linux environment names), ':' as '__'
 *  (the .NET configuration separator). */
function hostForm(name: string): string {
  return name.toLowerCase().replace(/:/g, "__").replace(/[.-]/g, "_");
}

function checkNames(entries: Chosen[], existing: Set<string>, deniedSettings: readonly string[], written: boolean): ConfigurationEntry[] | CatalogueError {
  const seen = new Set<string>();
  const existingForms = new Set([...existing].map(hostForm));
  for (const e of entries) {
    if (e.chosenAt) {
      const hostStorage = e.chosenAt === BINDING_FIELD && isHostStorageConnectionSetting(e.name);
      const denied = hostStorage || !written ? undefined : settingNameIssue(e.name, e.chosenAt, deniedSettings);
      if (denied) return { code: denied.code, message: denied.message, target: denied.field };
      // A name the caller chose never overwrites a setting this connection did not write (set outside linkwright, or
      // written by another connection): existingNames excludes only this connection's own earlier names.
      if (existingForms.has(hostForm(e.name))) {
        return {
          code: "SettingExists",
          message: `The setting '${e.name}' already exists on the source and was not written by this connection (it is set ` +
            "outside linkwright or belongs to another connection); linkwright never overwrites it. Choose another name.",
          target: e.chosenAt,
        };
      }
    }
    const lower = e.name.toLowerCase();
    if (seen.has(lower)) return badRequest(`configuration name '${e.name}' would be written twice`, "properties.configurationInfo");
    if (existing.has(lower)) {
      return {
        code: "Conflict",
        message: `configuration name '${e.name}' already exists on the source; rename it with configurationInfo.customizedKeys`,
        target: "properties.configurationInfo.customizedKeys",
      };
    }
    if (!/^[A-Za-z0-9_.:-]+$/.test(e.name)) {
      return badRequest(`configuration name '${e.name}' may contain only letters, digits, '_', '-', '.' and ':'`, "properties.configurationInfo");
    }
    seen.add(lower);
  }
  return entries.map(({ chosenAt: _chosenAt, ...e }) => e);
}

export interface ParsedConfigurationInfo {
  binding?: BindingNames;
  /** additionalConfigurations without linkwright options. */
  additionalConfigurations: Record<string, string>;
}

/** Reads the linkwright options out of a wire-format `configurationInfo`. */
export function parseBindingAwareRequest(configurationInfo: { readonly [key: string]: unknown } | null | undefined): ParsedConfigurationInfo | CatalogueError {
  const additional: Record<string, string> = {};
  let binding: BindingNames | undefined;
  const object = (v: unknown): { readonly [key: string]: unknown } | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? v as { readonly [key: string]: unknown } : undefined);
  const store = object(configurationInfo?.["configurationStore"]);
  for (const [k, v] of Object.entries(object(configurationInfo?.["additionalConfigurations"]) ?? {})) {
    if (k === FUNCTIONS_CONNECTION_KEY) {
      if (typeof v !== "string" || !/^[A-Za-z][A-Za-z0-9_]*$/.test(v) || v.includes("__")) {
        return badRequest(
          `${FUNCTIONS_CONNECTION_KEY} must be a binding connection prefix (letters, digits, single '_'), got '${String(v)}'`,
          `properties.configurationInfo.additionalConfigurations.${FUNCTIONS_CONNECTION_KEY}`,
        );
      }
      const separator = store?.["appConfigurationId"] ? ":" : "__";
      binding = { prefix: v, separator };
    } else if (k.startsWith(OPTION_KEY_PREFIX)) {
      return badRequest(`unknown linkwright option '${k}'; known: ${FUNCTIONS_CONNECTION_KEY}`, `properties.configurationInfo.additionalConfigurations.${k}`);
    } else {
      if (typeof v === "string") additional[k] = v;
    }
  }
  return { ...(binding ? { binding } : {}), additionalConfigurations: additional };
}
