// Node size presets: the Amazon RDS db.m6g (general purpose, 4 GiB per vCPU) and
// db.r6g (memory optimized, 8 GiB per vCPU) classes, Graviton2. vCPU, memory, and
// network bandwidth from the Amazon RDS User Guide, "Hardware specifications for
// DB instance classes" (docs.aws.amazon.com/AmazonRDS/latest/UserGuide/
// Concepts.DBInstanceClass.Summary.html, read 2026-11-29); "up to" bandwidths are
// burst figures and are given as such. Disk IOPS is the gp3 baseline of 3,000
// included with every gp3 volume (Amazon EBS User Guide, "General Purpose SSD
// volumes") — a volume setting, not the class's; override it per node.
// Prices are in price-list.data.ts, with their sources and dates.

/**
 * One preset's hardware.
 *
 * @remarks Since 0.2.0
 */
export interface NodeSizeSpec {
  /** vCPUs (the server's cores). */
  readonly vcpus: number;
  /** Memory (GiB). */
  readonly memoryGiB: number;
  /** Network bandwidth (Gbps); for "up to" classes the burst figure. */
  readonly networkGbps: number;
  /** True when the network figure is a burst ("up to") rather than sustained. */
  readonly networkBurst: boolean;
  /** Disk operations per second (the storage volume's, gp3 baseline by default). */
  readonly diskIops: number;
}

const GP3_BASELINE_IOPS = 3000;

function spec(vcpus: number, memoryGiB: number, networkGbps: number, burst: boolean): NodeSizeSpec {
  return { vcpus, memoryGiB, networkGbps, networkBurst: burst, diskIops: GP3_BASELINE_IOPS };
}

/**
 * The presets by RDS instance class name.
 *
 * @remarks Since 0.2.0
 */
export const NODE_SIZES: Readonly<Record<string, NodeSizeSpec>> = Object.freeze({
  "db.m6g.large": spec(2, 8, 10, true),
  "db.m6g.xlarge": spec(4, 16, 10, true),
  "db.m6g.2xlarge": spec(8, 32, 10, true),
  "db.m6g.4xlarge": spec(16, 64, 10, true),
  "db.m6g.8xlarge": spec(32, 128, 12, false),
  "db.m6g.12xlarge": spec(48, 192, 20, false),
  "db.m6g.16xlarge": spec(64, 256, 25, false),
  "db.r6g.large": spec(2, 16, 10, true),
  "db.r6g.xlarge": spec(4, 32, 10, true),
  "db.r6g.2xlarge": spec(8, 64, 10, true),
  "db.r6g.4xlarge": spec(16, 128, 10, true),
  "db.r6g.8xlarge": spec(32, 256, 12, false),
  "db.r6g.12xlarge": spec(48, 384, 20, false),
  "db.r6g.16xlarge": spec(64, 512, 25, false),
});
