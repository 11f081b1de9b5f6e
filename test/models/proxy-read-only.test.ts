// ProxySQL's read_only monitor polls every mysql-monitor_read_only_interval
// (lib/MySQL_Monitor.cpp, MySQL_Monitor::monitor_read_only: next_loop_at =
// t1 + interval); with polls at 0, I, 2I, … the first one at or after t is the
// least multiple of I not below t.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextReadOnlyPollMs } from "../../src/models/proxy/read-only-monitor.js";

describe("nextReadOnlyPollMs", () => {
  it("is the least multiple of the interval at or after now", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 1, max: 1e5 }), (t, i) => {
        const poll = nextReadOnlyPollMs(t, i);
        expect(poll % i).toBe(0);
        expect(poll).toBeGreaterThanOrEqual(t);
        expect(poll - t).toBeLessThan(i);
      }),
    );
  });

  it("refuses an interval that is not positive, naming it", () => {
    expect(() => nextReadOnlyPollMs(5, 0)).toThrow("expected a read_only interval > 0 ms, got 0");
  });
});
