// Key Vault secret state, kept in the ARM store as child resources `{vault}/secrets/{name}` (type
// Microsoft.KeyVault/vaults/secrets). Values and versions live in provider-private keys and are never rendered
// on the ARM side; soft-deleted secrets keep their versions under `deleted` until purged or recovered.
// Wire shapes: SecretBundle / DeletedSecretBundle / SecretItem (reference arm-surface §2.6; timestamps in seconds).
import { randomBytes } from "node:crypto";
import type { ResourceStore, StoredResource } from "../../core/contract.js";

export interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

export interface StoredSecret extends StoredResource {
  versions: SecretVersion[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number };
}

export const SECRET_TYPE = "Microsoft.KeyVault/vaults/secrets";
export const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

export interface VaultSettings { softDelete: boolean; retentionDays: number }

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class SecretStore {
  constructor(private readonly store: ResourceStore, private readonly vaultId: string, readonly origin: string) {}

  private id(name: string): string {
    return `${this.vaultId}/secrets/${name}`;
  }

  find(name: string): StoredSecret | undefined {
    return this.store.get(this.id(name)) as StoredSecret | undefined;
  }

  /** Adds a new version; returns it. */
  set(name: string, input: { value: string; contentType?: string; tags?: Record<string, string>; enabled?: boolean; nbf?: number; exp?: number }): { secret: StoredSecret; version: SecretVersion } {
    const existing = this.find(name);
    const now = nowSeconds();
    const version: SecretVersion = {
      version: randomBytes(16).toString("hex"), value: input.value, contentType: input.contentType, tags: input.tags,
      enabled: input.enabled ?? true, nbf: input.nbf, exp: input.exp, created: now, updated: now,
    };
    const secret: StoredSecret = {
      id: existing?.id ?? this.id(name), name: existing?.name ?? name, type: SECRET_TYPE,
      versions: [...(existing?.versions ?? []), version],
      properties: {},
    };
    secret.properties = this.armProperties(secret, version);
    return { secret: this.store.put(secret) as StoredSecret, version };
  }

  /** Updates the attributes/tags/contentType of one version. */
  update(secret: StoredSecret, version: SecretVersion, patch: { contentType?: string; tags?: Record<string, string>; enabled?: boolean; nbf?: number; exp?: number }): SecretVersion {
    const v = secret.versions.find((x) => x.version === version.version)!;
    if (patch.contentType !== undefined) v.contentType = patch.contentType;
    if (patch.tags !== undefined) v.tags = patch.tags;
    if (patch.enabled !== undefined) v.enabled = patch.enabled;
    if (patch.nbf !== undefined) v.nbf = patch.nbf;
    if (patch.exp !== undefined) v.exp = patch.exp;
    v.updated = nowSeconds();
    this.store.put(secret);
    return v;
  }

  /** Soft-deletes (or, without soft delete, removes) a secret. */
  delete(secret: StoredSecret, settings: VaultSettings): StoredSecret {
    if (!settings.softDelete) {
      this.store.delete(secret.id);
      return secret;
    }
    const deletedDate = nowSeconds();
    const next: StoredSecret = { ...secret, deleted: { deletedDate, scheduledPurgeDate: deletedDate + settings.retentionDays * 86400 } };
    return this.store.put(next) as StoredSecret;
  }

  purge(secret: StoredSecret): void {
    this.store.delete(secret.id);
  }

  recover(secret: StoredSecret): StoredSecret {
    const next: StoredSecret = { ...secret };
    delete next.deleted;
    return this.store.put(next) as StoredSecret;
  }

  /** Live (not deleted) or deleted secrets of this vault, by name. */
  list(deleted: boolean): StoredSecret[] {
    return (this.store.children(this.vaultId, SECRET_TYPE) as StoredSecret[]).filter((s) => Boolean(s.deleted) === deleted);
  }

  latest(secret: StoredSecret): SecretVersion {
    return secret.versions[secret.versions.length - 1];
  }

  attributes(v: SecretVersion, settings: VaultSettings): Record<string, unknown> {
    return {
      enabled: v.enabled, ...(v.nbf !== undefined ? { nbf: v.nbf } : {}), ...(v.exp !== undefined ? { exp: v.exp } : {}),
      created: v.created, updated: v.updated,
      recoveryLevel: settings.softDelete ? "Recoverable+Purgeable" : "Purgeable",
      ...(settings.softDelete ? { recoverableDays: settings.retentionDays } : {}),
    };
  }

  /** SecretBundle (with value) or, with `withValue` false, the same without the value. */
  bundle(secret: StoredSecret, v: SecretVersion, settings: VaultSettings, withValue = true): Record<string, unknown> {
    return {
      ...(withValue ? { value: v.value } : {}), id: `${this.origin}/secrets/${secret.name}/${v.version}`,
      ...(v.contentType !== undefined ? { contentType: v.contentType } : {}), ...(v.tags !== undefined ? { tags: v.tags } : {}),
      attributes: this.attributes(v, settings),
    };
  }

  deletedBundle(secret: StoredSecret, settings: VaultSettings): Record<string, unknown> {
    const v = this.latest(secret);
    return {
      ...this.bundle(secret, v, settings, false),
      ...(secret.deleted ? {
        recoveryId: `${this.origin}/deletedsecrets/${secret.name}`, deletedDate: secret.deleted.deletedDate, scheduledPurgeDate: secret.deleted.scheduledPurgeDate,
      } : {}),
    };
  }

  /** SecretItem (list entry): id without version. */
  item(secret: StoredSecret, settings: VaultSettings, deleted = false): Record<string, unknown> {
    const v = this.latest(secret);
    return {
      id: `${this.origin}/secrets/${secret.name}`, attributes: this.attributes(v, settings),
      ...(v.contentType !== undefined ? { contentType: v.contentType } : {}), ...(v.tags !== undefined ? { tags: v.tags } : {}),
      ...(deleted && secret.deleted ? { recoveryId: `${this.origin}/deletedsecrets/${secret.name}`, deletedDate: secret.deleted.deletedDate, scheduledPurgeDate: secret.deleted.scheduledPurgeDate } : {}),
    };
  }

  private armProperties(secret: StoredSecret, v: SecretVersion): Record<string, unknown> {
    return {
      attributes: { enabled: v.enabled, created: v.created, updated: v.updated },
      ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
      secretUri: `${this.origin}/secrets/${secret.name}`, secretUriWithVersion: `${this.origin}/secrets/${secret.name}/${v.version}`,
    };
  }
}
