// Server firewall rules shared by Azure SQL, PostgreSQL flexible and MySQL flexible: {startIpAddress, endIpAddress},
// both IPv4 with start <= end; 0.0.0.0–0.0.0.0 is Azure's "allow Azure services" rule (AllowAllWindowsAzureIps).
import { ArmError, type StoredResource } from "../../core/contract.js";
import type { BuildInput } from "./crud-routes.js";
import { ipv4Value } from "./ipv4-addresses.js";
import { asObject } from "./request-body.js";

function ipValue(ip: unknown, field: string): number {
  const n = ipv4Value(ip);
  if (n === undefined) {
    throw new ArmError(400, "FirewallRuleInvalidIpAddress", `The IP address '${String(ip ?? "")}' for '${field}' is not a valid IPv4 address.`, `properties.${field}`);
  }
  return n;
}

/** The stored firewall rule for a PUT body (`type` is the provider's firewallRules type). */
export function buildFirewallRule(type: string, input: BuildInput): StoredResource {
  const p = asObject(input.body.properties);
  if (ipValue(p.startIpAddress, "startIpAddress") > ipValue(p.endIpAddress, "endIpAddress")) {
    throw new ArmError(400, "FirewallRuleStartIpAddressGreaterThanEndIpAddress", `The start IP address '${String(p.startIpAddress)}' is greater than the end IP address '${String(p.endIpAddress)}'.`);
  }
  return { id: input.id, name: input.name, type, properties: { startIpAddress: p.startIpAddress, endIpAddress: p.endIpAddress } };
}
