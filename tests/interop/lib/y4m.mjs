// Solid-colour Y4M files for Chromium's fake camera
// (--use-file-for-fake-video-capture=<file>, see Harness.start's chromiumArgs):
// a browser whose camera shows one flat colour, so a test can tell whose
// picture ends up where.

import fs from 'node:fs';

/** RGB (0..255) -> BT.601 limited-range Y'CbCr, as an I420 camera gives it. */
export function rgbToYuv([r, g, b]) {
  const clamp = (x) => Math.max(0, Math.min(255, Math.round(x)));
  const y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
  const u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255;
  const v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255;
  return [clamp(y), clamp(u), clamp(v)];
}

/** Write a 4:2:0 Y4M of `frames` identical frames of colour `rgb`; returns the path. */
export function writeSolidY4m(file, { rgb, width = 320, height = 240, fps = 30, frames = 3 }) {
  const [y, u, v] = rgbToYuv(rgb);
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  const frame = Buffer.alloc(6 + ySize + 2 * cSize);
  frame.write('FRAME\n', 0, 'latin1');
  frame.fill(y, 6, 6 + ySize);
  frame.fill(u, 6 + ySize, 6 + ySize + cSize);
  frame.fill(v, 6 + ySize + cSize);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'latin1');
  fs.writeFileSync(file, Buffer.concat([header, ...Array(frames).fill(frame)]));
  return file;
}

/** Is `got` ([r,g,b]) within `tol` of `want` on every channel? */
export function colourNear(got, want, tol = 60) {
  return Array.isArray(got) && got.length === 3 && got.every((x, i) => Math.abs(x - want[i]) <= tol);
}
