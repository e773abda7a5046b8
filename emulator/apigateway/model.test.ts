import { describe, expect, it } from "vitest";
import { ApiGatewayModel, stageThrottle } from "./model.js";

describe("the API Gateway model's snapshots", () => {
  it("round-trips through JSON", () => {
    const model = new ApiGatewayModel();
    const api = model.createRestApi({ name: "a", tags: { _custom_id_: "abc" } });
    const r = model.createResource(api.id, api.rootResourceId, "movies");
    model.putMethod(api.id, r.id, { httpMethod: "GET", authorizationType: "NONE", apiKeyRequired: false });
    model.putIntegration(api.id, r.id, "GET", { type: "MOCK" });
    model.createDeployment(api.id, undefined, { name: "live" });
    const copy = new ApiGatewayModel();
    copy.restore(JSON.parse(JSON.stringify(model.snapshot())));
    expect(copy.getStage("abc", "live").deploymentId).toBe(model.getStage("abc", "live").deploymentId);
    expect(copy.getMethod("abc", r.id, "GET").integration?.type).toBe("MOCK");
  });

  it("reads a snapshot written before the control plane: the stage throttle becomes the */* method setting", () => {
    const legacy = {
      apis: {
        abc: {
          id: "abc",
          name: "movies-api",
          createdDate: "2026-01-01T00:00:00.000Z",
          rootResourceId: "root",
          resources: { root: { id: "root", pathPart: "", path: "/", methods: {} } },
          deployments: { d1: { id: "d1", createdDate: "2026-01-01T00:00:00.000Z", resources: [] } },
          stages: { live: { name: "live", deploymentId: "d1", throttle: { rateLimit: 10, burstLimit: 20 } } },
        },
      },
      keys: { k1: { id: "k1", name: "key", value: "x".repeat(20), enabled: true } },
      plans: { p1: { id: "p1", name: "plan", apiStages: [{ apiId: "abc", stage: "live" }], keyIds: ["k1"] } },
    };
    const model = new ApiGatewayModel();
    model.restore(legacy);
    const stage = model.getStage("abc", "live");
    expect(stageThrottle(stage, "/movies", "GET")).toEqual({ key: "*/*", throttle: { rateLimit: 10, burstLimit: 20 } });
    expect(stage).not.toHaveProperty("throttle");
    expect(model.getRestApi("abc")).toMatchObject({ apiKeySource: "HEADER", endpointTypes: ["EDGE"], tags: {} });
    expect(model.planForKey("abc", "live", "x".repeat(20))?.plan.id).toBe("p1");
  });

  it("prefers a method's own throttle setting over the stage-wide one", () => {
    const model = new ApiGatewayModel();
    model.restore({
      apis: {
        abc: {
          id: "abc", name: "a", createdDate: "2026-01-01T00:00:00.000Z", rootResourceId: "root", resources: {}, deployments: {},
          stages: { live: { name: "live", deploymentId: "d", methodSettings: { "*/*": { throttlingRateLimit: 100, throttlingBurstLimit: 200 }, "~1movies~1{movieID}/GET": { throttlingRateLimit: 1, throttlingBurstLimit: 2 } } } },
        },
      },
      keys: {},
      plans: {},
    });
    const stage = model.getStage("abc", "live");
    expect(stageThrottle(stage, "/movies/{movieID}", "GET")?.throttle).toEqual({ rateLimit: 1, burstLimit: 2 });
    expect(stageThrottle(stage, "/movies/{movieID}", "PUT")?.throttle).toEqual({ rateLimit: 100, burstLimit: 200 });
  });
});
