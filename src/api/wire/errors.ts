// ARM error envelope (common-types v3 ErrorResponse) and the codes this API answers with.
// Codes are real ARM / resource-provider codes (arm-surface.md §1.5, servicelinker-api.md §5).

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorDetail[];
}

export const ErrorCodes = {
  MissingApiVersionParameter: "MissingApiVersionParameter",
  InvalidApiVersionParameter: "InvalidApiVersionParameter",
  InvalidRequestContent: "InvalidRequestContent",
  LinkedInvalidPropertyId: "LinkedInvalidPropertyId",
  InvalidResourceName: "InvalidResourceName",
  BadRequest: "BadRequest",
  ResourceNotFound: "ResourceNotFound",
  InvalidResourceType: "InvalidResourceType",
  MethodNotAllowed: "MethodNotAllowed",
  PreconditionFailed: "PreconditionFailed",
  Conflict: "Conflict",
  AnotherOperationInProgress: "AnotherOperationInProgress",
  AuthenticationFailed: "AuthenticationFailed",
  InvalidAuthenticationToken: "InvalidAuthenticationToken",
  ExpiredAuthenticationToken: "ExpiredAuthenticationToken",
  InvalidAuthenticationTokenAudience: "InvalidAuthenticationTokenAudience",
  NotImplemented: "NotImplemented",
  InternalServerError: "InternalServerError",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** A failure that maps to one ARM error response. Operations throw it; the router renders it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details?: ArmErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Builds the envelope `{"error":{code,message,target?,details?}}`. */
export function armErrorBody(code: string, message: string, target?: string, details?: ArmErrorDetail[]): { error: ArmErrorDetail } {
  const error: ArmErrorDetail = { code, message };
  if (target !== undefined) error.target = target;
  if (details !== undefined && details.length > 0) error.details = details;
  return { error };
}

/** Throwable shorthand: `throw armError(400, "InvalidRequestContent", "…", "properties.clientType")`. */
export function armError(status: number, code: string, message: string, target?: string, details?: ArmErrorDetail[]): ApiError {
  return new ApiError(status, code, message, target, details);
}
