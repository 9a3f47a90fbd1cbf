// Draws the extension's icon, media/icon.png: a 128x128 mosaic of 5x5 tiles
// on a dark rounded square, the amber tiles forming a "T" (a tessera is a
// mosaic tile). Pure Node (zlib), so it runs anywhere the extension builds:
//   node scripts/make-icon.js media/icon.png
"use strict";
const fs = require("fs");
const zlib = require("zlib");

const SIZE = 128;
const TILES = 5;
const TILE = 20; // px; 5 tiles + 4 gaps of 3 px + 2 margins of 8 px = 128
const GAP = 3;
const MARGIN = 8;
const SAMPLES = 4; // per axis: 16 samples a pixel smooth the rounded corners

const background = [0x1b, 0x1f, 0x27];
const accent = [0xf2, 0xa3, 0x3a];
const cool = [
  [0x2a, 0x6f, 0x97],
  [0x2c, 0x7d, 0xa0],
  [0x46, 0x8f, 0xaf],
  [0x61, 0xa5, 0xc2],
  [0x1f, 0x8a, 0x70],
];

/** Whether (x, y) lies in the rectangle with rounded corners of radius r. */
function inRoundedRect(x, y, left, top, size, r) {
  if (x < left || y < top || x >= left + size || y >= top + size) return false;
  const cx = Math.min(Math.max(x, left + r), left + size - r);
  const cy = Math.min(Math.max(y, top + r), top + size - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** The color at a sample point, or null outside the icon. */
function colorAt(x, y) {
  if (!inRoundedRect(x, y, 0, 0, SIZE, 18)) return null;
  const column = Math.floor((x - MARGIN) / (TILE + GAP));
  const row = Math.floor((y - MARGIN) / (TILE + GAP));
  if (column < 0 || row < 0 || column >= TILES || row >= TILES) return background;
  const left = MARGIN + column * (TILE + GAP);
  const top = MARGIN + row * (TILE + GAP);
  if (!inRoundedRect(x, y, left, top, TILE, 3)) return background;
  const isT = row === 0 || column === 2;
  return isT ? accent : cool[(row * 3 + column * 7) % cool.length];
}

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// RGBA rows, each behind a filter byte of 0 (none).
const raw = Buffer.alloc(SIZE * (1 + SIZE * 4));
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const sum = [0, 0, 0];
    let covered = 0;
    for (let sy = 0; sy < SAMPLES; sy++)
      for (let sx = 0; sx < SAMPLES; sx++) {
        const color = colorAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
        if (!color) continue;
        covered++;
        for (let c = 0; c < 3; c++) sum[c] += color[c];
      }
    const at = y * (1 + SIZE * 4) + 1 + x * 4;
    for (let c = 0; c < 3; c++) raw[at + c] = covered ? Math.round(sum[c] / covered) : 0;
    raw[at + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
  }
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
fs.writeFileSync(process.argv[2] || "media/icon.png", png);
