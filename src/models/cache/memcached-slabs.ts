// Memcached's slab classes (slabs.c slabs_init; defaults in memcached.c): chunk
// sizes start at sizeof(item) + chunk_size (48 + 48 = 96 bytes on 64-bit),
// rounded up to 8 bytes, and grow by the factor (-f, 1.25) until the next
// would reach slab_chunk_size_max / factor; the last class is
// slab_chunk_size_max (half a 1 MB page). An item takes the smallest chunk
// that holds header + key + 1 + value + "\r\n" + 8 bytes of CAS
// (items.c do_item_alloc, item_make_header).

/**
 * Memcached's memory settings, named after its options.
 *
 * @remarks Since 0.2.0
 */
export interface MemcachedMemoryConfig {
  /** `-m`: memory for items, in bytes (64 MB by default). */
  readonly maxbytes?: number;
  /** `-f`: chunk size growth factor (1.25). */
  readonly growthFactor?: number;
  /** `-n`: minimum space for key and value (48 bytes). */
  readonly chunkSize?: number;
  /** `-I`: item size limit, `item_size_max` (1 MB). */
  readonly itemSizeMax?: number;
  /** `slab_page_size` (1 MB). */
  readonly slabPageSize?: number;
}

/**
 * sizeof(item) on a 64-bit build (memcached.h, struct _stritem).
 *
 * @remarks Since 0.2.0
 */
export const MEMCACHED_ITEM_HEADER_BYTES = 48;
/** CHUNK_ALIGN_BYTES (memcached.h). */
const CHUNK_ALIGN = 8;

/**
 * The chunk sizes of the slab classes, smallest first (`memcached -vv` prints
 * them at start: 96, 120, 152, … 524288 with the defaults).
 *
 * @remarks Since 0.2.0
 */
export function slabChunkSizes(config: MemcachedMemoryConfig = {}): number[] {
  const factor = config.growthFactor ?? 1.25;
  const pageSize = config.slabPageSize ?? 1024 * 1024;
  const chunkMax = pageSize / 2;
  if (!(factor > 1)) throw new RangeError(`Memcached growth factor ${factor}; expected > 1`);
  const sizes: number[] = [];
  let size = MEMCACHED_ITEM_HEADER_BYTES + (config.chunkSize ?? 48);
  // MAX_NUMBER_OF_SLAB_CLASSES is 64; the last is the largest chunk.
  while (sizes.length < 62 && size < chunkMax / factor) {
    if (size % CHUNK_ALIGN) size += CHUNK_ALIGN - (size % CHUNK_ALIGN);
    sizes.push(size);
    // size is an unsigned int in C: the product is truncated.
    size = Math.trunc(size * factor);
  }
  sizes.push(chunkMax);
  return sizes;
}

/**
 * An item's total size as memcached stores it: header, key and its NUL, the
 * value with its trailing "\r\n", and the CAS value.
 *
 * @remarks Since 0.2.0
 */
export function memcachedItemBytes(keyLength: number, valueBytes: number): number {
  return MEMCACHED_ITEM_HEADER_BYTES + keyLength + 1 + valueBytes + 2 + 8;
}
