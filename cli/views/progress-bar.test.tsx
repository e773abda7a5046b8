import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { ProgressBar } from "./progress-bar.js";

describe("ProgressBar", () => {
  it("shows the share done and the counts", () => {
    const { lastFrame } = render(<ProgressBar label="seeding" done={250} total={1000} width={8} />);
    expect(lastFrame()).toBe("seeding ██░░░░░░ 25% 250/1000");
  });

  it("is full and 100% when nothing was to do", () => {
    const { lastFrame } = render(<ProgressBar label="seeding" done={0} total={0} width={4} />);
    expect(lastFrame()).toBe("seeding ████ 100% 0/0");
  });
});
