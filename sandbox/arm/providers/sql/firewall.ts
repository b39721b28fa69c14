// Server firewall rules shared by Azure SQL, PostgreSQL flexible and MySQL flexible: {startIpAddress, endIpAddress},
// both IPv4 with start <= end; 0.0.0.0–0.0.0.0 is Azure's "allow Azure services" rule (AllowAllWindowsAzureIps).
import { ArmError, type StoredResource } from "../../core/contract.js";
import { asObject } from "../web/resource-helpers.js";
import type { BuildInput } from "../servicebus/crud.js";

function ipValue(ip: unknown, field: string): number {
  const s = String(ip ?? "");
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m || m.slice(1).some((x) => Number(x) > 255)) {
    throw new ArmError(400, "FirewallRuleInvalidIpAddress", `The IP address '${s}' for '${field}' is not a valid IPv4 address.`, `properties.${field}`);
  }
  return m.slice(1).reduce((n, x) => n * 256 + Number(x), 0);
}

/** The stored firewall rule for a PUT body (`type` is the provider's firewallRules type). */
export function buildFirewallRule(type: string, input: BuildInput): StoredResource {
  const p = asObject(input.body.properties);
  if (ipValue(p.startIpAddress, "startIpAddress") > ipValue(p.endIpAddress, "endIpAddress")) {
    throw new ArmError(400, "FirewallRuleStartIpAddressGreaterThanEndIpAddress", `The start IP address '${String(p.startIpAddress)}' is greater than the end IP address '${String(p.endIpAddress)}'.`);
  }
  return { id: input.id, name: input.name, type, properties: { startIpAddress: p.startIpAddress, endIpAddress: p.endIpAddress } };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function requireGuid(v: unknown, field: string): string {
  if (typeof v !== "string" || !GUID.test(v)) throw new ArmError(400, "InvalidParameterValue", `The value '${String(v)}' of '${field}' must be a GUID.`, field);
  return v;
}
