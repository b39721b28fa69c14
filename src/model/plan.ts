// What a connection will do, as planning decides it (src/connections/plan.ts) and the saga carries it between
// activities, and how each step went. All JSON, all secret-free (secret values appear only as `{{lw-secret:…}}`
// tokens or sealed envelopes).
import type { ConnectionError } from "./errors.js";
import type { LinkerProperties } from "./linker.js";
import type { StepOutputs } from "./steps.js";
import type {
  AppConfigurationKeysInput, StepName, FirewallInput, IdentityInput, IdentityState, KeyVaultSecretInput, RunPrincipal, ScheduledStep,
  ServiceEndpointInput, SettingsInput,
} from "./steps.js";

export interface PlanRequest {
  linkerName: string;
  sourceId: string;
  properties: LinkerProperties;
  sealedSecrets?: string;
  /** The caller's tenant (service principal auth uses it). */
  tenantId: string;
  /** Configuration names this linker wrote before (excluded from the CONN2 "already taken" set). */
  ownedNames: string[];
  /** What this linker's previous run wrote (sealed), so an update removes what it no longer wants. */
  previous?: { settings?: { name: string; writtenSealed: string }[]; appConfiguration?: { key: string; writtenSealed: string }[] };
}

export interface RoleGrant {
  scope: string;
  role: string;
  roleName?: string;
}

export interface ConnectionPlan {
  sourceId: string;
  scope?: string;
  sourceKind: string;
  targetKind: string;
  targetId: string;
  /** The top-level target resource (account, vault, namespace…). */
  targetResourceId?: string;
  authType: string;
  clientType: string;
  identity?: IdentityInput;
  /** The source's identity as planning read it; handed to the identity step so it need not read again. */
  observedIdentity?: IdentityState;
  /** Known up front for servicePrincipalSecret; from the identity step otherwise. */
  principal?: { principalId: string; principalType: "ServicePrincipal" | "User" };
  roles: RoleGrant[];
  firewall?: FirewallInput;
  /** The target's firewall was open (default action Allow) when planned: the firewall step will change nothing. */
  firewallOpen?: boolean;
  serviceEndpoint?: ServiceEndpointInput;
  /** For a database target with identity auth: who gets a database user (the object id comes from the identity step). */
  databasePrincipal?: { name: string; clientId?: string };
  /** Set when configurationInfo.configurationStore names an App Configuration store: the keys go there. */
  appConfiguration?: AppConfigurationKeysInput;
  secretStore: KeyVaultSecretInput[];
  settings: SettingsInput;
  /** What listConfigurations shows: names, and values for non-secrets only. */
  configurations: { name: string; value?: string; isSecret: boolean; description: string }[];
  targetFacts: Record<string, string>;
  warnings: string[];
}

/** A step as the orchestration ran it; kept in linker.state.applied for delete, validate and revalidation. */
export interface AppliedStepRecord {
  step: StepName;
  input: unknown;
  changed: boolean;
  prior?: unknown;
  outputs?: StepOutputs;
}

/** What the runStep activity runs: a scheduled step, and for an after-identity step the principal it runs for. */
export interface StepRun {
  step: StepName;
  input: ScheduledStep["input"];
  hints?: ScheduledStep["hints"];
  principal?: RunPrincipal;
  /** The step's place in its operation (the saga's step index): where its prior is written ahead of its writes. */
  journal?: { operationId: string; slot: string };
}

export interface StepRunResult {
  ok: boolean;
  changed?: boolean;
  prior?: unknown;
  outputs?: StepOutputs;
  /** The input as the step ran it, when the activity completed it with the run's principal: what is recorded. */
  input?: unknown;
  error?: ConnectionError;
}
