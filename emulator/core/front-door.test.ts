import { describe, expect, it } from "vitest";
import { frontDoorOptions, isDataPlane } from "./front-door.js";

describe("front door configuration", () => {
  it("adds the environment's comma-separated origins and hosts to the options", () => {
    const env = { MOVIES_CLOUD_ALLOWED_ORIGINS: " https://a.example, https://b.example:8443 ,", MOVIES_CLOUD_ALLOWED_HOSTS: "cloud" };
    expect(frontDoorOptions({ allowedOrigins: ["https://c.example"], allowedHosts: ["movies.internal"] }, env)).toEqual({
      allowedOrigins: ["https://c.example", "https://a.example", "https://b.example:8443"],
      allowedHosts: ["movies.internal", "cloud"],
    });
    expect(frontDoorOptions({}, {})).toEqual({ allowedOrigins: [], allowedHosts: [] });
  });

  it("tells the API Gateway data plane, which is public, from the control plane", () => {
    expect(isDataPlane("/restapis/abc/live/_user_request_/movies")).toBe(true);
    expect(isDataPlane("/_aws/execute-api/abc/live/movies/1")).toBe(true);
    expect(isDataPlane("/restapis/abc/resources")).toBe(false);
    expect(isDataPlane("/restapis")).toBe(false);
  });
});
