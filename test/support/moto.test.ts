import { describe, expect, it } from "vitest";
import { motoMissingReason, startMoto } from "./moto.js";

const missing = motoMissingReason();
if (missing) console.warn(`skipping moto launcher test: ${missing}`);

describe.skipIf(missing)("moto launcher", () => {
  it("starts moto on a free loopback port and stops it", async () => {
    const moto = await startMoto();
    const res = await fetch(`${moto.url}/moto-api/`);
    expect(res.status).toBe(200);
    await moto.stop();
    await expect(fetch(`${moto.url}/moto-api/`)).rejects.toThrow();
  });
});
