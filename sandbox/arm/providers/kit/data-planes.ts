// Data planes a resource serves on its own HTTPS origin (a vault's secrets, a configuration store's key-values):
// started once per emulator (services instance) and resource, on the loopback port its stored URI names when that
// port is free, so the URIs a persisted store holds keep working after a restart.
import type { CoreServices, DataPlaneHandler } from "../../core/contract.js";
import { loopbackPortOf } from "../../core/ids.js";

/** Data-plane origins started in this process, per emulator and data-plane name (lower-cased). */
const started = new WeakMap<CoreServices, Map<string, Promise<string>>>();

/**
 * The origin (e.g. https://127.0.0.1:50123, no trailing slash) of the data plane `name` (e.g. `keyvault:{vaultId}`),
 * listening on first use. `knownOrigin` reads the origin the stored resource names (its port is reused when free);
 * `handler` gets the origin as a function, known once listening.
 */
export function ensureDataPlane(services: CoreServices, name: string, knownOrigin: () => string | undefined, handler: (origin: () => string) => DataPlaneHandler): Promise<string> {
  let planes = started.get(services);
  if (!planes) started.set(services, (planes = new Map()));
  const key = name.toLowerCase();
  let origin = planes.get(key);
  if (!origin) {
    let listening = "";
    origin = services.listenDataPlane(name, handler(() => listening), loopbackPortOf(knownOrigin())).then((o) => (listening = o.replace(/\/$/, "")));
    planes.set(key, origin);
  }
  return origin;
}
