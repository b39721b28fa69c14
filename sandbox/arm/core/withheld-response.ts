// The faults that let a request take effect and then spoil its answer ("lost", "slow"): the handler runs as usual and
// writes its response through `res`; these wrappers intercept that response. ARM and the data planes share them.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultRule } from "./control.js";

/** Default hold of a "slow" fault: longer than any client timeout a test sets, shorter than the server's own. */
export const DEFAULT_SLOW_MS = 5_000;

/**
 * Arms `res` for a "lost" or "slow" fault before the request is handled: "lost" destroys the socket where the response
 * would end (the client sees ECONNRESET, the effect is applied), "slow" sends the response `delayMs` late. Sockets
 * held meanwhile are added to `held` (destroyed when the server closes).
 */
export function withholdResponse(req: IncomingMessage, res: ServerResponse, fault: Pick<FaultRule, "mode" | "delayMs">,
  held?: Set<import("node:net").Socket>): void {
  const socket = req.socket;
  if (fault.mode === "lost") {
    res.writeHead = (() => res) as ServerResponse["writeHead"];
    res.write = (() => true) as ServerResponse["write"];
    res.end = (() => {
      socket.destroy();
      return res;
    }) as ServerResponse["end"];
    return;
  }
  if (fault.mode !== "slow") return;
  const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  const deferred: (() => void)[] = [];
  res.writeHead = ((...a: unknown[]) => { deferred.push(() => writeHead(...a)); return res; }) as ServerResponse["writeHead"];
  res.write = ((...a: unknown[]) => { deferred.push(() => write(...a)); return true; }) as ServerResponse["write"];
  res.end = ((...a: unknown[]) => {
    held?.add(socket);
    const timer = setTimeout(() => {
      held?.delete(socket);
      if (socket.destroyed) return;
      for (const d of deferred) d();
      end(...a);
    }, fault.delayMs ?? DEFAULT_SLOW_MS);
    socket.once("close", () => { clearTimeout(timer); held?.delete(socket); });
    return res;
  }) as ServerResponse["end"];
}
