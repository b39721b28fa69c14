// What the API fills in or refuses in a request's properties from its caller, before anything is planned:
//  - `publicNetworkSolution.firewallRules.callerClientIP` ("true"): the caller's client address, as ARM reports it on
//    every request it forwards (`x-ms-client-ip-address`, Azure RPC "Proxy Request Header Modifications"), is recorded
//    as LinkerProperties.callerIpAddress (linkwright's own field, never on the wire) for the firewall step to admit.
//    The header is trusted: a caller reaching linkwright directly could name any address, but admitting it needs the
//    target's firewall write, checked as that caller (src/authorization/requirements.ts), so it gains nothing.
//  - a connector's (a local connection's) principal is its caller: `userAccount` is the calling user's own account
//    (principalId filled in when absent, refused when it names someone else); `servicePrincipalSecret` /
//    `servicePrincipalCertificate` the calling application's own service principal.
import { isIP } from "node:net";
import { isObject, type LinkerProperties } from "../../model/linker.js";
import type { Caller } from "../../model/caller.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";

export const CLIENT_IP_HEADER = "x-ms-client-ip-address";

function callerClientIpWanted(p: LinkerProperties): boolean {
  const rules = isObject(p.publicNetworkSolution) && isObject(p.publicNetworkSolution["firewallRules"]) ? p.publicNetworkSolution["firewallRules"] : undefined;
  return rules?.["callerClientIP"] === "true" || rules?.["callerClientIP"] === true;
}

/** The caller's client IP address as ARM reported it (an IPv4-mapped IPv6 address as its IPv4 form), or undefined. */
export function callerIpAddressOf(headers: Record<string, string | undefined>): string | undefined {
  const raw = headers[CLIENT_IP_HEADER]?.split(",")[0]?.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return raw && isIP(raw) ? raw : undefined;
}

/** The properties with `callerIpAddress` set when callerClientIP asks for it (and never otherwise); 400 when the
 *  address is unknown (the request did not come through ARM). */
export function withCallerIpAddress(properties: LinkerProperties, headers: Record<string, string | undefined>, field = "properties"): LinkerProperties {
  const { callerIpAddress: _ignored, ...rest } = properties;
  if (!callerClientIpWanted(rest)) return rest;
  const address = callerIpAddressOf(headers);
  if (!address) {
    throw new ApiError(400, ErrorCodes.BadRequest,
      `publicNetworkSolution.firewallRules.callerClientIP is "true", but the caller's client IP address is unknown: linkwright learns it from the '${CLIENT_IP_HEADER}' header ARM adds to the requests it forwards. ` +
      "Call through ARM, or list the address in publicNetworkSolution.firewallRules.ipRanges instead.",
      `${field}.publicNetworkSolution.firewallRules.callerClientIP`);
  }
  return { ...rest, callerIpAddress: address };
}

/** A connector's principal is its caller's own: filled in or checked (400 naming the field otherwise). */
export function withConnectorPrincipal(properties: LinkerProperties, caller: Caller, field = "properties"): LinkerProperties {
  const auth = properties.authInfo;
  const principalId = typeof auth["principalId"] === "string" && auth["principalId"] ? auth["principalId"] : undefined;
  const refuse = (message: string, target = `${field}.authInfo.principalId`) => new ApiError(400, ErrorCodes.BadRequest, message, target);
  switch (auth.authType) {
    case "userAccount":
      if (caller.principalType !== "User") {
        throw refuse(`userAccount connects the signed-in user's own account, and the caller '${caller.appId ?? caller.objectId}' is an application: ` +
          "use servicePrincipalSecret with its own principal, or secret.", `${field}.authInfo.authType`);
      }
      if (!principalId) return { ...properties, authInfo: { ...auth, principalId: caller.objectId } };
      if (principalId.toLowerCase() !== caller.objectId.toLowerCase()) {
        throw refuse(`A local connection with userAccount grants access to the caller's own account only: principalId '${principalId}' is not the caller ('${caller.objectId}').`);
      }
      return properties;
    case "servicePrincipalSecret":
    case "servicePrincipalCertificate": {
      const clientId = typeof auth["clientId"] === "string" ? auth["clientId"] : undefined;
      const own = caller.principalType === "Application" && principalId?.toLowerCase() === caller.objectId.toLowerCase()
        && (!clientId || !caller.appId || clientId.toLowerCase() === caller.appId.toLowerCase());
      if (!own) {
        throw refuse(`A local connection with ${auth.authType} grants access to the calling application's own service principal only ` +
          `(its object id '${caller.principalType === "Application" ? caller.objectId : "—"}'${caller.appId ? `, client id '${caller.appId}'` : ""}); a user connects with userAccount.`);
      }
      return properties;
    }
    default:
      return properties;
  }
}

/** The properties as the wire shows them: linkwright's own fields dropped (secrets are masked separately). */
export function withoutInternalFields(properties: LinkerProperties): LinkerProperties {
  const { callerIpAddress: _internal, ...wire } = properties;
  return wire;
}
