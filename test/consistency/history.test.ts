// The History store: what goes in comes out, JSON lines round-trip byte for byte,
// bad input is refused with the line and field named, and the limit bounds memory.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  HISTORY_BYTES_PER_OP,
  History,
  HistoryFormatError,
  type HistoryOp,
  historyOpToJSONLine,
  parseHistoryLine,
} from "../../src/consistency/history.js";
import { read, write } from "./models.js";

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
/** Finite times; -0 is made 0 (JSON has no -0, and no time is negative zero). */
const time = fc.double({ min: -1e6, max: 1e9, noNaN: true }).map((t) => t + 0);

/** Any storable operation. */
const anyOp: fc.Arbitrary<HistoryOp> = fc
  .record({
    id: uint32,
    session: uint32,
    kind: fc.constantFrom("read" as const, "write" as const),
    key: uint32,
    invokeMs: time,
    durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    ok: fc.boolean(),
    version: uint32,
    lsn: fc.oneof(uint32, fc.constant(Number.NaN)),
    versionLsn: fc.oneof(uint32, fc.constant(Number.NaN)),
    commitMs: fc.oneof(time, fc.constant(Number.NaN)),
    cluster: fc.integer({ min: 0, max: 0xffff }),
    node: fc.string({ maxLength: 12 }),
  })
  .map(({ durationMs, ...op }) => ({ ...op, completeMs: op.invokeMs + durationMs }));

describe("History", () => {
  test.prop([fc.array(anyOp, { maxLength: 40 })])(
    "gives back what was recorded, in order, through get, iteration, toArray and JSON lines",
    (ops) => {
      // Act
      const history = History.from(ops);
      const reread = History.fromJSONLines(history.toJSONLines());
      // Assert
      expect(history.length).toBe(ops.length);
      expect(history.toArray()).toEqual(ops);
      expect([...history]).toEqual(ops);
      for (let i = 0; i < ops.length; i++) expect(history.get(i)).toEqual(ops[i]);
      expect(reread.toArray()).toEqual(ops);
      expect(reread.toJSONLines()).toBe(history.toJSONLines());
    },
  );

  it("writes one JSON object per line, keys in a fixed order, NaN as null", () => {
    // Arrange
    const history = History.from([
      read(3, 1, 5, 1.5, 2, 0, Number.NaN, { node: 'r"1' }),
      write(4, 2, 6, 3, 4, 1, 7, { commitMs: 3.5 }),
    ]);
    // Act
    const text = history.toJSONLines();
    // Assert
    expect(text).toBe(
      '{"id":3,"session":1,"kind":"read","key":5,"invokeMs":1.5,"completeMs":2,"ok":true,' +
        '"version":0,"lsn":null,"versionLsn":null,"commitMs":null,"cluster":0,"node":"r\\"1"}\n' +
        '{"id":4,"session":2,"kind":"write","key":6,"invokeMs":3,"completeMs":4,"ok":true,' +
        '"version":1,"lsn":7,"versionLsn":7,"commitMs":3.5,"cluster":0,"node":"primary"}\n',
    );
    expect(new History().toJSONLines()).toBe("");
  });

  it("reads fields in any order and CRLF line ends", () => {
    const text =
      '{"node":"p","commitMs":1,"versionLsn":1,"lsn":1,"version":1,"ok":true,"completeMs":2,' +
      '"invokeMs":0,"key":5,"kind":"write","session":1,"id":0}\r\n';
    expect(History.fromJSONLines(text).get(0)).toEqual(
      write(0, 1, 5, 0, 2, 1, 1, { commitMs: 1, node: "p" }),
    );
  });

  it("takes lsn, versionLsn and commitMs as unknown (NaN) when null or left out", () => {
    // A black-box system knows no log positions: its lines carry none.
    const text =
      '{"id":0,"session":1,"kind":"read","key":5,"invokeMs":0,"completeMs":2,"ok":true,' +
      '"version":3,"node":"db"}\n' +
      '{"id":1,"session":1,"kind":"read","key":5,"invokeMs":3,"completeMs":4,"ok":true,' +
      '"version":3,"lsn":null,"versionLsn":null,"commitMs":null,"node":"db"}\n';
    const ops = History.fromJSONLines(text).toArray();
    for (const op of ops) {
      expect(op.lsn).toBeNaN();
      expect(op.versionLsn).toBeNaN();
      expect(op.commitMs).toBeNaN();
    }
  });

  it("serialises and parses one line at a time, the same bytes as toJSONLines", () => {
    const op = write(4, 2, 6, 3, 4, 1, 7, { commitMs: 3.5 });
    const line = historyOpToJSONLine(op);
    expect(`${line}\n`).toBe(History.from([op]).toJSONLines());
    expect(parseHistoryLine(line, 9)).toEqual(op);
    expect(() => parseHistoryLine('{"id":1}', 9)).toThrow('Line 9, field "session": missing');
  });

  it("names the line and field of a malformed line", () => {
    // Arrange: line 1 is good; each case breaks line 2
    const good = History.from([read(1, 1, 5, 0, 1, 0, 0)]).toJSONLines();
    const line2 = (text: string) => () => History.fromJSONLines(`${good}${text}\n`);
    const fields = (patch: Record<string, unknown>) =>
      JSON.stringify({ ...JSON.parse(good), ...patch });
    // Act / Assert
    expect(line2("{not json")).toThrow(HistoryFormatError);
    expect(line2("{not json")).toThrow(/^Line 2: not valid JSON/);
    expect(line2("[1]")).toThrow("Line 2: expected a JSON object, got an array");
    expect(line2('"x"')).toThrow('Line 2: expected a JSON object, got "x"');
    expect(line2(fields({ versionLsn: -2 }))).toThrow(
      'Line 2, field "versionLsn": expected an integer in [0, 4294967295], got -2 (or NaN when unknown)',
    );
    expect(line2("")).toThrow("Line 2: empty line");
    expect(line2(fields({ version: -1 }))).toThrow(
      'Line 2, field "version": expected an integer in [0, 4294967295], got -1',
    );
    expect(line2(fields({ kind: "delete" }))).toThrow(
      'Line 2, field "kind": expected "read" or "write", got "delete"',
    );
    expect(line2(fields({ completeMs: -1 }))).toThrow(
      'Line 2, field "completeMs": expected at or after invokeMs 0, got -1',
    );
    expect(line2(fields({ extra: 1 }))).toThrow(
      'Line 2, field "extra": unknown field; expected only id,',
    );
    expect(line2(JSON.stringify({ ...JSON.parse(good), ok: undefined }))).toThrow(
      'Line 2, field "ok": missing',
    );
    try {
      line2(fields({ lsn: 1.5 }))();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HistoryFormatError);
      expect((error as HistoryFormatError).line).toBe(2);
      expect((error as HistoryFormatError).field).toBe("lsn");
    }
  });

  it("refuses an operation it cannot store, naming the op and field", () => {
    const history = new History();
    expect(() => history.record(read(7, 1, 5, 0, 1, -1, 0))).toThrow(
      'History.record: op 7, field "version": expected an integer in [0, 4294967295], got -1',
    );
    expect(() => history.record(read(7, 1, 5, 0, 1, 0, Number.POSITIVE_INFINITY))).toThrow(
      /field "lsn"/,
    );
    expect(() => history.record(read(7, 1, 5, Number.NaN, 1, 0, 0))).toThrow(/field "invokeMs"/);
    expect(history.length).toBe(0);
  });

  it("stops at its limit with a RangeError naming it", () => {
    // Arrange
    const history = new History({ limit: 3 });
    for (let id = 0; id < 3; id++) history.record(read(id, 1, 5, 0, 1, 0, 0));
    // Act / Assert
    expect(() => history.record(read(3, 1, 5, 0, 1, 0, 0))).toThrow(RangeError);
    expect(() => history.record(read(3, 1, 5, 0, 1, 0, 0))).toThrow(
      "History limit of 3 operations reached",
    );
    expect(history.length).toBe(3);
    expect(history.byteLength).toBe(3 * HISTORY_BYTES_PER_OP);
    expect(() =>
      History.fromJSONLines(History.from([...history]).toJSONLines(), { limit: 2 }),
    ).toThrow(/limit of 2/);
    expect(() => new History({ limit: 0 })).toThrow(
      "History limit must be a positive integer, got 0",
    );
  });

  it("grows by doubling from 1024 slots of 53 bytes", () => {
    const history = new History();
    expect(history.byteLength).toBe(0);
    for (let id = 0; id < 1025; id++) history.record(read(id, 1, 5, 0, 1, 0, 0));
    // 3 Float64 (24) + 6 Uint32 (24) + 2 Uint16, cluster and node (4) + Uint8 (1) per slot.
    expect(history.byteLength).toBe(2048 * 53);
  });

  it("rejects indices out of range", () => {
    const history = History.from([read(1, 1, 5, 0, 1, 0, 0)]);
    expect(() => history.get(1)).toThrow("History index must be an integer in [0, 1), got 1");
    expect(() => history.get(-1)).toThrow(RangeError);
  });

  it("holds up to 65 536 node names", () => {
    const history = new History();
    for (let n = 0; n < 65_536; n++) history.record(read(n, 1, 5, 0, 1, 0, 0, { node: `n${n}` }));
    expect(history.get(65_535).node).toBe("n65535");
    expect(() => history.record(read(0, 1, 5, 0, 1, 0, 0, { node: "one-more" }))).toThrow(
      'History holds at most 65536 node names; cannot add "one-more"',
    );
  });
});
