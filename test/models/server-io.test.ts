// The disk station, the buffer pool and the log flusher, worked out by hand:
// - a FCFS station with c servers: k equal requests of time s submitted together
//   finish in waves of c, at s, 2s, …;
// - the pool's page arithmetic (heap pages = ⌈keys / ⌊page / row⌋⌉, the same for
//   index entries) and LRU eviction order; shared_buffers pages are 8 KiB (BLCKSZ),
//   InnoDB's 16 KiB (innodb_page_size default);
// - group commit delays: PostgreSQL sleeps `commit_delay` only when at least
//   `commit_siblings` other transactions are active (xlog.c XLogFlush,
//   procarray.c MinimumActiveBackends); MySQL waits
//   `binlog_group_commit_sync_delay`, cut short at
//   `binlog_group_commit_sync_no_delay_count` queued commits.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { BufferPool } from "../../src/models/server/buffer-pool.js";
import { DiskStation, parallelismForIops } from "../../src/models/server/disk.js";
import { type GroupCommitDelay, WalFlusher } from "../../src/models/server/wal.js";

describe("disk station: FCFS with c parallel servers", () => {
  it("5 reads of 10 ms on 2 slots finish at 10, 10, 20, 20, 30 and the waits are 0, 0, 10, 10, 20", () => {
    const sim = new Simulation();
    const disk = new DiskStation(sim, { name: "d", parallelism: 2, readMs: () => 10 });
    const finished: number[] = [];
    for (let i = 0; i < 5; i++) disk.read(() => finished.push(sim.now));
    expect(disk.queueLength).toBe(3);
    sim.run();
    expect(finished).toEqual([10, 10, 20, 20, 30]);
    expect(disk.queueWaitMs.sum).toBe(40);
    expect(disk.completed).toBe(5);
  });

  it("parallelismForIops is Little's law on the busy slots, at least 1", () => {
    expect(parallelismForIops(3000, 0.1)).toBe(1);
    expect(parallelismForIops(100_000, 0.1)).toBe(10);
    expect(() => parallelismForIops(0, 0.1)).toThrow(/iops 0/);
    expect(
      () => new DiskStation(new Simulation(), { name: "d", parallelism: 0, readMs: () => 1 }),
    ).toThrow(/parallelism 0/);
  });
});

describe("buffer pool: pages and LRU", () => {
  it("sizes pages from keys × row size plus index entries; shared_buffers in 8 KiB pages", () => {
    const pool = new BufferPool({
      size: { sharedBuffersMB: 1 },
      keyCount: 1000,
      rowBytes: 100, // 81 rows per 8 KiB page
      indexEntryBytes: 16, // 512 entries per page
    });
    expect(pool.pageBytes).toBe(8192);
    expect(pool.dataPages).toBe(Math.ceil(1000 / 81));
    expect(pool.indexPages).toBe(2);
    expect(pool.capacityPages).toBe(128);
    expect(pool.heapPageOf(80)).toBe(0);
    expect(pool.heapPageOf(81)).toBe(1);
    expect(pool.indexPageOf(511)).toBe(pool.dataPages);
    expect(pool.indexPageOf(512)).toBe(pool.dataPages + 1);
  });

  it("innodb_buffer_pool_size counts 16 KiB pages", () => {
    const pool = new BufferPool({
      size: { innodbBufferPoolSizeMB: 1 },
      keyCount: 10,
      rowBytes: 100,
      indexEntryBytes: 16,
    });
    expect(pool.pageBytes).toBe(16384);
    expect(pool.capacityPages).toBe(64);
  });

  it("evicts the least recently used page; a hit makes a page the most recent", () => {
    const pool = new BufferPool({
      size: { sharedBuffersMB: (2 * 8192) / (1024 * 1024) }, // two pages
      keyCount: 10,
      rowBytes: 8192,
      indexEntryBytes: 8192,
    });
    expect([pool.access(0), pool.access(1), pool.access(0)]).toEqual([false, false, true]);
    expect(pool.access(2)).toBe(false); // evicts 1, the least recent
    expect(pool.access(0)).toBe(true);
    expect(pool.access(1)).toBe(false);
    expect(pool.residentPages).toBe(2);
    expect([pool.hits, pool.misses]).toEqual([2, 4]);
  });

  it("accessKey touches the index leaf and the heap page: two misses cold, none warm", () => {
    const pool = new BufferPool({
      size: { sharedBuffersMB: 1 },
      keyCount: 100,
      rowBytes: 100,
      indexEntryBytes: 16,
    });
    expect(pool.accessKey(5)).toBe(2);
    expect(pool.accessKey(6)).toBe(0);
  });

  it("rejects negative memory naming the setting", () => {
    expect(
      () =>
        new BufferPool({
          size: { innodbBufferPoolSizeMB: -5 },
          keyCount: 1,
          rowBytes: 1,
          indexEntryBytes: 1,
        }),
    ).toThrow(/innodbBufferPoolSizeMB -5/);
  });
});

function walWith(delay: GroupCommitDelay, active: () => number) {
  const sim = new Simulation();
  const disk = new DiskStation(sim, { name: "d", parallelism: 1, readMs: () => 0.1 });
  const wal = new WalFlusher(sim, {
    name: "d",
    fsyncMs: () => 2,
    disk: (ms, done) => disk.submit(ms, done),
    delay,
    activeTransactions: active,
  });
  return { sim, wal };
}

describe("group commit delays", () => {
  const pgDelay: GroupCommitDelay = { kind: "postgresql", commitDelayMs: 1, commitSiblings: 5 };

  it("PostgreSQL: fewer than commit_siblings other active transactions, no sleep (ack after F)", () => {
    const { sim, wal } = walWith(pgDelay, () => 5); // the committer and 4 others
    let ackAt = -1;
    wal.commit(() => {
      ackAt = sim.now;
    });
    sim.run();
    expect(ackAt).toBe(2);
  });

  it("PostgreSQL: commit_siblings others active, the leader sleeps commit_delay and takes the late comers along", () => {
    const { sim, wal } = walWith(pgDelay, () => 6);
    const acks: number[] = [];
    wal.commit(() => acks.push(sim.now));
    sim.at(0.5, () => wal.commit(() => acks.push(sim.now)));
    sim.run();
    expect(acks).toEqual([3, 3]);
    expect(wal.flushes).toBe(1);
    expect(wal.commitsPerFlush.mean).toBe(2);
  });

  it("commit_siblings 0 always sleeps", () => {
    const { sim, wal } = walWith({ ...pgDelay, commitSiblings: 0 }, () => 1);
    let ackAt = -1;
    wal.commit(() => {
      ackAt = sim.now;
    });
    sim.run();
    expect(ackAt).toBe(3);
  });

  it("MySQL: binlog_group_commit_sync_delay, cut short at binlog_group_commit_sync_no_delay_count", () => {
    const delay: GroupCommitDelay = {
      kind: "mysql",
      binlogGroupCommitSyncDelayMs: 10,
      binlogGroupCommitSyncNoDelayCount: 3,
    };
    const { sim, wal } = walWith(delay, () => 1);
    const acks: number[] = [];
    wal.commit(() => acks.push(sim.now));
    sim.at(1, () => wal.commit(() => acks.push(sim.now)));
    sim.at(2, () => wal.commit(() => acks.push(sim.now))); // third: flush now, at 2
    sim.run();
    expect(acks).toEqual([4, 4, 4]);
  });

  it("commits arriving during a flush share the next one", () => {
    const { sim, wal } = walWith({ kind: "none" }, () => 1);
    const acks: number[] = [];
    wal.commit(() => acks.push(sim.now));
    for (const t of [0.5, 1, 1.5]) sim.at(t, () => wal.commit(() => acks.push(sim.now)));
    sim.run();
    expect(acks).toEqual([2, 4, 4, 4]);
    expect(wal.flushes).toBe(2);
  });
});
