// Review finding (session 4): a local connection with secret auth required the caller to hold the target's listKeys,
// yet nothing reads that secret — a local connection writes no setting and its configuration never returns secret
// values. A permission required for nothing is a permission too many: the plan's requirements no longer name it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeRequirements } from "../../src/connections/changeRequirements.js";
import { planConnection } from "../../src/connections/plan.js";
import { connectorScope } from "../../src/model/connector.js";
import { startStepsSandbox, type StepsSandbox } from "../steps/support.js";

let sb: StepsSandbox;
beforeAll(async () => { sb = await startStepsSandbox(); }, 60_000);
afterAll(async () => { await sb?.close(); });

describe("a local connection's requirements", () => {
  it("with secret auth: no listKeys on the target (nothing reads the secret), but the connector write at its resource group", async () => {
    const seed = sb.te.emulator.seedResult!;
    const sourceId = connectorScope({ subscriptionId: sb.te.subscriptionId, resourceGroup: seed.resourceGroup, location: seed.location });
    const properties = { targetService: { type: "AzureResource", id: `${sb.ids.storageAccount}/fileServices/default` }, authInfo: { authType: "secret" }, clientType: "nodejs" };
    const plan = await planConnection({ linkerName: "files", sourceId, properties, tenantId: sb.te.emulator.tenantId, ownedNames: [] }, sb.ctx);
    const required = changeRequirements(plan, properties, "files");
    expect(required.map((r) => r.action)).toContain("Microsoft.ServiceLinker/locations/connectors/write");
    expect(required.filter((r) => /listKeys/i.test(r.action))).toEqual([]);
    expect(plan.settings.settings).toEqual([]);
  });
});
