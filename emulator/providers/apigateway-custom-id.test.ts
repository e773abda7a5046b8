import { expect, it } from "vitest";
import { providerHarness } from "./testing.js";
const API = "${aws_api_gateway_rest_api.api.id}";
const stack = (tags?: Record<string, string>) => ({
  resource: {
    aws_api_gateway_rest_api: { api: { name: "x", ...(tags ? { tags } : {}) } },
    aws_api_gateway_resource: { items: { rest_api_id: API, parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "items" } },
    aws_api_gateway_method: { get: { rest_api_id: API, resource_id: "${aws_api_gateway_resource.items.id}", http_method: "GET", authorization: "NONE" } },
    aws_api_gateway_integration: { get: { rest_api_id: API, resource_id: "${aws_api_gateway_resource.items.id}", http_method: "GET", type: "MOCK", depends_on: ["aws_api_gateway_method.get"] } },
    aws_api_gateway_deployment: { d: { rest_api_id: API, depends_on: ["aws_api_gateway_integration.get"] } },
    aws_api_gateway_stage: { live: { rest_api_id: API, deployment_id: "${aws_api_gateway_deployment.d.id}", stage_name: "live" } },
  },
});
/** A stack applied before it carried `_custom_id_` moves to the stable id on its next apply, taking its routes along. */
it("replaces a REST API whose _custom_id_ tag appears or changes, and everything built on it", async () => {
  const h = await providerHarness();
  try {
    await h.apply(stack());
    const r = await h.apply(stack({ _custom_id_: "newid" }));
    expect(r.changes.find((c) => c.address === "aws_api_gateway_rest_api.api")?.action).toBe("replace");
    expect(Object.keys(h.cloud.system.apigateway.state.apis)).toEqual(["newid"]);
    expect(Object.keys(h.cloud.system.apigateway.state.apis.newid!.stages)).toEqual(["live"]);
    const again = await h.apply(stack({ _custom_id_: "newid", team: "movies" }));
    expect(again.changes.find((c) => c.address === "aws_api_gateway_rest_api.api")?.action).toBe("update");
    expect(h.cloud.system.apigateway.state.apis.newid!.tags).toEqual({ _custom_id_: "newid", team: "movies" });
  } finally {
    await h.close();
  }
});
