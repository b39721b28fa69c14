// The Microsoft.ServiceLinker-compatible API: one catch-all HTTP trigger (host.json routePrefix "") whose handler
// (src/app/serviceLinkerApi.ts) adapts the host's request and delegates to src/api/router.ts. Authentication is done
// by src/auth (bearer JWT) and authorization by src/authorization, so the function itself is anonymous.
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { createServiceLinkerApi } from "../app/serviceLinkerApi.js";

export const serviceLinkerApi = createServiceLinkerApi();

app.http("serviceLinkerApi", {
  route: "{*path}",
  methods: ["GET", "PUT", "PATCH", "POST", "DELETE"],
  authLevel: "anonymous",
  extraInputs: [df.input.durableClient()],
  handler: serviceLinkerApi,
});
