// The cluster an operation ran on, in the history: files written before 0.2.0 have
// no `cluster` and read as cluster 0; a cluster is stored, written and read back;
// a bad one is refused with the line, the field, the value and what was expected.
import { describe, expect, it } from "vitest";
import { History, parseHistoryLine } from "../../src/consistency/history.js";
import { read, write } from "./models.js";

/** A line exactly as `dbsim run --history` wrote it before operations had a cluster. */
const OLD_LINE =
  '{"id":0,"session":7,"kind":"write","key":42,"invokeMs":0,"completeMs":3.1,"ok":true,' +
  '"version":1,"lsn":118,"versionLsn":118,"commitMs":2.9,"node":"primary"}';

describe("History: the cluster of an operation", () => {
  it("reads a line without cluster (a file written before 0.2.0) as cluster 0", () => {
    // Act
    const op = parseHistoryLine(OLD_LINE, 1);
    // Assert
    expect(op.cluster).toBe(0);
    expect(History.fromJSONLines(`${OLD_LINE}\n`).get(0).cluster).toBe(0);
  });

  it("stores, writes and reads back the cluster, written just before node", () => {
    // Arrange
    const ops = [write(0, 1, 5, 0, 1, 1, 1, { cluster: 3 }), read(1, 1, 5, 2, 3, 1, 1)];
    // Act
    const history = History.from(ops);
    const text = history.toJSONLines();
    // Assert
    expect(history.get(0).cluster).toBe(3);
    expect(history.get(1).cluster).toBe(0);
    expect(text.split("\n")[0]).toContain('"commitMs":1,"cluster":3,"node":"primary"}');
    expect(History.fromJSONLines(text).toArray()).toEqual(ops);
  });

  it("takes an operation object without cluster as cluster 0", () => {
    const { cluster: _, ...bare } = write(0, 1, 5, 0, 1, 1, 1);
    expect(History.from([bare]).get(0).cluster).toBe(0);
  });

  it("names the line, the field and the value of a bad cluster", () => {
    const line = (cluster: unknown) =>
      JSON.stringify({ ...JSON.parse(OLD_LINE), cluster }) as string;
    for (const bad of [-1, 1.5, 65_536, "0", null]) {
      expect(() => parseHistoryLine(line(bad), 4)).toThrow(
        `Line 4, field "cluster": expected an integer in [0, 65535] (or absent: 0), got ${
          typeof bad === "string" ? JSON.stringify(bad) : String(bad)
        }`,
      );
    }
    expect(() => History.from([write(9, 1, 5, 0, 1, 1, 1, { cluster: 70_000 })])).toThrow(
      'History.record: op 9, field "cluster"',
    );
  });
});
