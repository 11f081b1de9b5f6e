// A hash table from pairs of numbers to a fixed number of numbers in one typed array, for the
// consistency monitor's hot path: insertion, lookup and removal allocate nothing once
// the table has grown to the size it needs (it never shrinks), where a Map of objects
// allocates an entry per insertion and a new backing store when deletions shrink it.
// Open addressing with linear probing and backward-shift deletion (Knuth, TAOCP vol. 3,
// §6.4, Algorithm R), so no tombstones build up however many keys come and go. A slot
// is [in use (0 or 1), key a, key b, value 0, …, value width−1], side by side, so a
// lookup touches one array and, mostly, one cache line. A byte per slot beside them
// holds 7 bits of the key's hash (the tag: SwissTable's idea, Abseil's
// `absl/container/internal/raw_hash_set.h`), so a probe compares a byte before it reads
// a slot. A table keyed by one number leaves b at 0.

/** The fewest slots a table starts with (a power of two). */
const MIN_CAPACITY = 8;
/** Where a slot's values start: after the in-use flag and the two keys. */
const VALUES = 3;

/** @internal (a, b) → `width` numbers; keys compare with `===`. */
export class NumTable {
  /**
   * The slots. A slot's values start at the index `find` and `insert` return: value f
   * of that slot is `data[index + f]`.
   */
  data: Float64Array;
  /**
   * One byte per slot: 0 when free, else 7 bits of the key's hash with the top bit set.
   * A lookup compares these first, so a probe for an absent key (most of the monitor's
   * lookups: a cache miss, a session with nothing held) reads one small array and no
   * slot, and a present key's slot is read once.
   */
  private tags: Uint8Array;
  private readonly stride: number;
  private mask: number;
  /** 32 − log2(capacity): the hash keeps the product's top bits. */
  private shift: number;
  private count = 0;
  /**
   * After `removeWhereAtMost` or `lowerAtMost`: the least and the largest value kept
   * (of the field, or of every value but the floor) and whether a NaN was kept. A slot
   * looked at twice across the wrap counts twice, which changes neither.
   */
  keptMin = Number.POSITIVE_INFINITY;
  keptMax = Number.NEGATIVE_INFINITY;
  keptNaN = false;

  constructor(width: number) {
    this.stride = width + VALUES;
    this.data = new Float64Array(MIN_CAPACITY * this.stride);
    this.tags = new Uint8Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.shift = 32 - Math.log2(MIN_CAPACITY);
  }

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  /** The index of (a, b)'s values in `data`, or -1 when absent. */
  find(a: number, b = 0): number {
    if (this.count === 0) return -1;
    const data = this.data;
    const tags = this.tags;
    const stride = this.stride;
    const mask = this.mask;
    const h = hash(a, b);
    const tag = tagOf(h);
    for (let i = h >>> this.shift; ; i = (i + 1) & mask) {
      const t = tags[i] as number;
      if (t === 0) return -1;
      if (t !== tag) continue;
      const at = i * stride;
      if (data[at + 1] === a && data[at + 2] === b) return at + VALUES;
    }
  }

  /**
   * The index of (a, b)'s values in `data`, its slot made (values 0) when absent. The
   * index, and `data` itself, are valid until the next insert or removal.
   */
  insert(a: number, b = 0): number {
    // One probe sequence: the empty slot that ends a failed search is where the key goes,
    // unless the table must grow first.
    const data = this.data;
    const tags = this.tags;
    const stride = this.stride;
    const mask = this.mask;
    const h = hash(a, b);
    const tag = tagOf(h);
    let i = h >>> this.shift;
    for (; ; i = (i + 1) & mask) {
      const t = tags[i] as number;
      if (t === 0) break;
      if (t !== tag) continue;
      const at = i * stride;
      if (data[at + 1] === a && data[at + 2] === b) return at + VALUES;
    }
    if ((this.count + 1) * 2 > mask + 1) return this.add(a, b);
    const at = i * stride;
    tags[i] = tag;
    data[at] = 1;
    data[at + 1] = a;
    data[at + 2] = b;
    for (let f = at + VALUES; f < at + stride; f++) data[f] = 0;
    this.count += 1;
    return at + VALUES;
  }

  /** As `insert`, for a key known to be absent (one probe sequence fewer). */
  add(a: number, b = 0): number {
    // Load at most 1/2: probe sequences stay short.
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const at = this.place(a, b);
    // A loop, not `fill`: a call into the runtime costs more than two or three stores.
    const data = this.data;
    for (let f = at + VALUES; f < at + this.stride; f++) data[f] = 0;
    this.count += 1;
    return at + VALUES;
  }

  /** Removes the key whose values are at `index`, shifting back the keys whose probe ran through its slot. */
  removeAt(index: number): void {
    const data = this.data;
    const tags = this.tags;
    const stride = this.stride;
    const mask = this.mask;
    let hole = (index - VALUES) / stride;
    for (let j = (hole + 1) & mask; tags[j] !== 0; j = (j + 1) & mask) {
      const k = hash(data[j * stride + 1] as number, data[j * stride + 2] as number) >>> this.shift;
      // j stays unless the hole lies cyclically in [k, j), on its probe path.
      const stays = hole <= j ? hole < k && k <= j : hole < k || k <= j;
      if (stays) continue;
      // A loop, not `copyWithin`: a call into the runtime costs more than a few stores.
      for (let f = 0; f < stride; f++) data[hole * stride + f] = data[j * stride + f] as number;
      tags[hole] = tags[j] as number;
      hole = j;
    }
    data[hole * stride] = 0;
    tags[hole] = 0;
    this.count -= 1;
  }

  /**
   * Removes every key whose value `field` is ≤ `bound` (NaN never is), in one pass.
   * A removal at slot i moves into i a key not yet looked at (or, across the wrap, one
   * already kept), so slot i is looked at again and the pass goes on.
   */
  removeWhereAtMost(field: number, bound: number): void {
    this.keptMin = Number.POSITIVE_INFINITY;
    this.keptMax = Number.NEGATIVE_INFINITY;
    this.keptNaN = false;
    if (this.count === 0) return;
    const stride = this.stride;
    const end = (this.mask + 1) * stride;
    let at = 0;
    while (at < end) {
      if (this.data[at] === 0) {
        at += stride;
        continue;
      }
      const value = this.data[at + VALUES + field] as number;
      if (value <= bound) {
        this.removeAt(at + VALUES);
        continue;
      }
      this.keep(value);
      at += stride;
    }
  }

  private keep(value: number): void {
    if (value < this.keptMin) this.keptMin = value;
    if (value > this.keptMax) this.keptMax = value;
    if (Number.isNaN(value)) this.keptNaN = true;
  }

  /** Removes every key at once (the capacity stays). */
  clear(): void {
    if (this.count === 0) return;
    this.data.fill(0);
    this.tags.fill(0);
    this.count = 0;
  }

  /**
   * Lowers to `floor` every value ≤ `bound` (NaN never is) and removes the keys whose
   * values are then all `floor`, in one pass (as `removeWhereAtMost`).
   */
  lowerAtMost(bound: number, floor: number): void {
    this.keptMin = Number.POSITIVE_INFINITY;
    this.keptMax = Number.NEGATIVE_INFINITY;
    this.keptNaN = false;
    if (this.count === 0) return;
    const data = this.data;
    const stride = this.stride;
    const end = (this.mask + 1) * stride;
    let at = 0;
    while (at < end) {
      if (data[at] === 0) {
        at += stride;
        continue;
      }
      let empty = true;
      for (let f = at + VALUES; f < at + stride; f++) {
        if ((data[f] as number) <= bound) data[f] = floor;
        else if (data[f] !== floor) empty = false;
      }
      if (empty) {
        this.removeAt(at + VALUES);
        continue;
      }
      for (let f = at + VALUES; f < at + stride; f++) {
        if (data[f] !== floor) this.keep(data[f] as number);
      }
      at += stride;
    }
  }

  /** Sets `field` to `value` in every slot whose `field` is > `bound`; returns how many. */
  setWhereAbove(field: number, bound: number, value: number): number {
    let changed = 0;
    const data = this.data;
    const stride = this.stride;
    const end = (this.mask + 1) * stride;
    for (let at = 0; at < end; at += stride) {
      if (data[at] !== 0 && (data[at + VALUES + field] as number) > bound) {
        data[at + VALUES + field] = value;
        changed++;
      }
    }
    return changed;
  }

  /** Marks a free slot for (a, b) in use and returns its start (the table has room). */
  private place(a: number, b: number): number {
    const data = this.data;
    const tags = this.tags;
    const stride = this.stride;
    const h = hash(a, b);
    let i = h >>> this.shift;
    while (tags[i] !== 0) i = (i + 1) & this.mask;
    tags[i] = tagOf(h);
    const at = i * stride;
    data[at] = 1;
    data[at + 1] = a;
    data[at + 2] = b;
    return at;
  }

  private grow(): void {
    const old = this.data;
    const stride = this.stride;
    const capacity = (this.mask + 1) * 2;
    this.data = new Float64Array(capacity * stride);
    this.tags = new Uint8Array(capacity);
    this.mask = capacity - 1;
    this.shift -= 1;
    for (let from = 0; from < old.length; from += stride) {
      if (old[from] === 0) continue;
      const at = this.place(old[from + 1] as number, old[from + 2] as number);
      this.data.set(old.subarray(from + VALUES, from + stride), at + VALUES);
    }
  }
}

/**
 * Fibonacci hashing (Knuth, TAOCP vol. 3, §6.4): the keys' low 32 bits, mixed, times
 * 2^32/φ; a key's home slot is the product's top bits (`>>> shift`), which spread keys
 * that share their low bits (ids that are multiples of a power of two) as well as
 * consecutive ones. Other keys than integers still work, they just collide more.
 */
function hash(a: number, b: number): number {
  const mixed = (a | 0) ^ ((a / 4294967296) | 0) ^ Math.imul(b | 0, 0x85ebca6b);
  return Math.imul(mixed, 0x9e3779b1);
}

/**
 * A slot's tag: the product's low 7 bits, which the home slot (its top bits) does not
 * use, so keys that probe through the same run of slots mostly differ in it.
 */
function tagOf(h: number): number {
  return (h & 0x7f) | 0x80;
}
