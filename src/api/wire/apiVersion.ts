// api-version check (servicelinker-api.md "API versions"; arm-surface.md §1.3).
import { ApiError, ErrorCodes } from "./errors.js";

export const SUPPORTED_API_VERSIONS = ["2022-05-01", "2022-11-01-preview", "2024-04-01", "2024-07-01-preview"] as const;
export type ApiVersion = (typeof SUPPORTED_API_VERSIONS)[number];

/** Returns the request's api-version or throws the ARM 400 for a missing / unsupported one. */
export function requireApiVersion(query: URLSearchParams, resourceType = "linkers"): ApiVersion {
  const value = query.get("api-version");
  if (value === null || value === "") {
    throw new ApiError(400, ErrorCodes.MissingApiVersionParameter,
      "The api-version query parameter (?api-version=) is required for all requests.", "api-version");
  }
  const match = SUPPORTED_API_VERSIONS.find((v) => v === value.toLowerCase());
  if (!match) {
    throw new ApiError(400, ErrorCodes.InvalidApiVersionParameter,
      `The api-version '${value}' is invalid for resource type 'Microsoft.ServiceLinker/${resourceType}'. ` +
      `The supported versions are '${SUPPORTED_API_VERSIONS.join(",")}'.`, "api-version");
  }
  return match;
}
