import { describe, expect, it } from "vitest";
import { LogStore } from "../lambda/logs/log-store.js";
import { createLogs } from "./index.js";
import { LogsModel } from "./model.js";

describe("CloudWatch Logs model bounds", () => {
  it("keeps at most eventsPerGroup events per group, across its streams, newest kept", () => {
    const model = new LogsModel("000000000000", 5);
    const group = model.createGroup("us-east-1", "/app/bounded")!;
    const a = model.createStream(group, "a")!;
    const b = model.createStream(group, "b")!;
    for (let i = 0; i < 8; i++) model.append(group, i % 2 === 0 ? a : b, [{ timestamp: 1_000 + i, message: `line ${i}` }]);
    const kept = [...model.events(group, a), ...model.events(group, b)].map((e) => e.message).sort();
    expect(kept).toEqual(["line 3", "line 4", "line 5", "line 6", "line 7"]);
    expect(model.events(group, a).map((e) => e.message)).toEqual(["line 4", "line 6"]);
  });

  it("a deleted and recreated stream starts empty", () => {
    const model = new LogsModel("000000000000", 10);
    const group = model.createGroup("us-east-1", "/app/recreated")!;
    model.append(group, model.createStream(group, "s")!, [{ timestamp: 1, message: "old" }]);
    group.streams.delete("s");
    const again = model.createStream(group, "s")!;
    expect(model.events(group, again)).toEqual([]);
  });

  it("a function's log group keeps as many events as the runtime's log store (MOVIES_CLOUD_LOG_EVENTS_PER_FUNCTION)", async () => {
    const lambdaLogs = new LogStore(3);
    const { model, service } = createLogs({ accountId: "000000000000", region: "us-east-1", lambdaLogs });
    for (let i = 0; i < 7; i++) {
      lambdaLogs.append({ functionName: "f", logGroupName: "/aws/lambda/f", logStreamName: `env-${i % 2}`, timestamp: 1_000 + i, message: `m${i}` });
    }
    const group = model.group("us-east-1", "/aws/lambda/f")!;
    const messages = [...group.streams.values()].flatMap((s) => model.events(group, s)).map((e) => e.message).sort();
    expect(messages).toEqual(["m4\n", "m5\n", "m6\n"]);
    expect(lambdaLogs.query({ functionName: "f" }).map((e) => e.message)).toEqual(["m4", "m5", "m6"]);
    await service.close?.();
  });
});
