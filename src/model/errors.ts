// The one error shape of a connection (an ARM error detail): what a step's activity reports, what a failed operation
// and a failed linker carry, what a dry run's basicError holds. Every error becomes one through one classifier
// (src/connections/classifyError.ts); nothing else builds `{ code, message }` from a caught error.

export interface ConnectionError {
  code: string;
  message: string;
  /** The request field the error is about (a plan error's `properties.…`). */
  target?: string;
}

/** What an activity returns instead of throwing when it failed. */
export interface Failed {
  ok: false;
  error: ConnectionError;
}

/** A user error found while planning (unsupported combination, bad reference): the linker fails with it, nothing changes. */
export class PlanError extends Error implements ConnectionError {
  constructor(readonly code: string, message: string, readonly target?: string) {
    super(message);
    this.name = "PlanError";
  }
}
