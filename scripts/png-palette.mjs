// Reduces an opaque 8-bit RGB(A) PNG (a Chromium screenshot) to at most 256
// colours, written as an indexed PNG: how docs/img/playground.png is made from
// the browser test's test-output/playground/readme.png, with no image library.
// The palette is the 256 most used colours after rounding each channel to 5
// bits (each the mean of its pixels); every pixel takes the nearest of them.
// Usage: node scripts/png-palette.mjs in.png out.png
import { readFileSync, writeFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunks(png) {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG");
  const out = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    out.push({
      type: png.toString("latin1", at + 4, at + 8),
      data: png.subarray(at + 8, at + 8 + length),
    });
    at += 12 + length;
  }
  return out;
}

/** Undoes the per-row filters (PNG spec, 9.2–9.4) of 8-bit pixels of `bpp` bytes. */
function unfilter(raw, width, height, bpp) {
  const stride = width * bpp;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? pixels[row + x - bpp] : 0;
      const b = y > 0 ? pixels[row - stride + x] : 0;
      const c = x >= bpp && y > 0 ? pixels[row - stride + x - bpp] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][type];
      if (predictor === undefined) throw new Error(`unknown filter ${type}`);
      pixels[row + x] = (line[x] + predictor) & 0xff;
    }
  }
  return pixels;
}

function palette(rgb) {
  const bins = new Map();
  for (let i = 0; i < rgb.length; i += 3) {
    const key = ((rgb[i] >> 3) << 10) | ((rgb[i + 1] >> 3) << 5) | (rgb[i + 2] >> 3);
    const bin = bins.get(key) ?? [0, 0, 0, 0];
    bin[0]++;
    bin[1] += rgb[i];
    bin[2] += rgb[i + 1];
    bin[3] += rgb[i + 2];
    bins.set(key, bin);
  }
  return [...bins.entries()]
    .sort((x, y) => y[1][0] - x[1][0] || x[0] - y[0])
    .slice(0, 256)
    .map(([, [n, r, g, b]]) => [Math.round(r / n), Math.round(g / n), Math.round(b / n)]);
}

function nearest(colors, r, g, b) {
  let best = 0;
  let bestDistance = Infinity;
  for (const [i, [pr, pg, pb]] of colors.entries()) {
    const d = (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
    if (d < bestDistance) [best, bestDistance] = [i, d];
  }
  return best;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error("usage: node scripts/png-palette.mjs in.png out.png");
const parts = chunks(readFileSync(input));
const ihdr = parts.find((p) => p.type === "IHDR")?.data;
const [width, height, depth, colorType, , , interlace] = [
  ihdr.readUInt32BE(0),
  ihdr.readUInt32BE(4),
  ihdr[8],
  ihdr[9],
  ihdr[10],
  ihdr[11],
  ihdr[12],
];
if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
  throw new Error("expected an 8-bit, non-interlaced RGB or RGBA PNG");
}
const bpp = colorType === 6 ? 4 : 3;
const idat = Buffer.concat(parts.filter((p) => p.type === "IDAT").map((p) => p.data));
const pixels = unfilter(inflateSync(idat), width, height, bpp);
const rgb = Buffer.alloc(width * height * 3);
for (let i = 0, j = 0; i < pixels.length; i += bpp, j += 3) pixels.copy(rgb, j, i, i + 3);
const colors = palette(rgb);
const cache = new Map();
const indexed = Buffer.alloc((width + 1) * height);
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    const i = (y * width + x) * 3;
    const key = (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
    let index = cache.get(key);
    if (index === undefined) {
      index = nearest(colors, rgb[i], rgb[i + 1], rgb[i + 2]);
      cache.set(key, index);
    }
    indexed[y * (width + 1) + 1 + x] = index;
  }
}
const header = Buffer.alloc(13);
header.writeUInt32BE(width, 0);
header.writeUInt32BE(height, 4);
header.set([8, 3, 0, 0, 0], 8);
writeFileSync(
  output,
  Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("PLTE", Buffer.from(colors.flat())),
    chunk("IDAT", deflateSync(indexed, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]),
);
console.log(`${output}: ${width}×${height}, ${colors.length} colours`);
