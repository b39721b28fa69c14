// 401 answers in the ARM envelope with WWW-Authenticate (codes as ARM uses them).
import { ApiError, ErrorCodes } from "../wire/errors.js";

export function unauthorized(code: string, message: string, issuer: string): ApiError {
  const description = message.replace(/["\\]/g, "'");
  const error = code === ErrorCodes.AuthenticationFailed ? "" : `, error="invalid_token", error_description="${description}"`;
  return new ApiError(401, code, message, undefined, undefined, {
    "WWW-Authenticate": `Bearer authorization_uri="${issuer}"${error}`,
  });
}
