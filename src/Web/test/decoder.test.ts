import { beforeAll, describe, expect, it } from "vitest";
import { deflateSync } from "node:zlib";
import { compress, decompress, init } from "@bokuweb/zstd-wasm";
import jpeg from "jpeg-js";
import { TileEncoding } from "../src/gen/guruconnect_pb";
import { applyTiles, DecodeError, Framebuffer, inflateWithStream, zstdContentSize, type Codecs, type TileInput } from "../src/viewer/decoder";

// The real codecs: zstd-wasm (the same build the worker loads), the platform's DecompressionStream,
// and a JS JPEG decoder standing in for the browser's (the browser's own runs in the Playwright suite).
const codecs: Codecs = {
  zstd: (data, expected) => decompress(data, { defaultHeapSize: expected }),
  inflate: inflateWithStream,
  jpeg: async (data) => {
    const image = jpeg.decode(data, { useTArray: true, formatAsRGBA: true });
    return { width: image.width, height: image.height, rgba: image.data };
  },
};

beforeAll(async () => {
  await init();
});

function tile(partial: Partial<TileInput> & Pick<TileInput, "encoding">): TileInput {
  return { x: 0, y: 0, w: 1, h: 1, data: new Uint8Array(0), srcX: 0, srcY: 0, ...partial };
}

/** A w×h BGRA tile whose pixel (i, j) is B=i, G=j, R=seed, A=255. */
function bgraPattern(w: number, h: number, seed = 7): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const o = (j * w + i) * 4;
      out.set([i & 255, j & 255, seed, 255], o);
    }
  return out;
}

function fb(w: number, h: number): Framebuffer {
  const f = new Framebuffer();
  f.resize(w, h);
  return f;
}

/** Numbers each pixel of the framebuffer (R = x, G = y, B = 9) so moves can be checked. */
function numbered(f: Framebuffer) {
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) f.pixels.set([x, y, 9, 255], (y * f.width + x) * 4);
}

describe("tile decoder", () => {
  it("starts a new display opaque black", () => {
    expect(fb(2, 2).pixel(1, 1)).toEqual([0, 0, 0, 255]);
  });

  it("RAW_BGRA swaps blue and red into the RGBA framebuffer", async () => {
    const f = fb(8, 6);
    const dirty = await applyTiles(f, [tile({ encoding: TileEncoding.RAW_BGRA, x: 2, y: 1, w: 4, h: 3, data: bgraPattern(4, 3) })], codecs);
    expect(dirty).toEqual({ x: 2, y: 1, w: 4, h: 3 });
    expect(f.pixel(2, 1)).toEqual([7, 0, 0, 255]);
    expect(f.pixel(5, 3)).toEqual([7, 2, 3, 255]);
    expect(f.pixel(1, 1)).toEqual([0, 0, 0, 255]);
    expect(f.pixel(6, 1)).toEqual([0, 0, 0, 255]);
  });

  it("ZSTD_BGRA inflates a zstd frame of BGRA", async () => {
    const f = fb(64, 32);
    const raw = bgraPattern(64, 32, 200);
    await applyTiles(f, [tile({ encoding: TileEncoding.ZSTD_BGRA, w: 64, h: 32, data: compress(raw, 3) })], codecs);
    expect(f.pixel(63, 31)).toEqual([200, 31, 63, 255]);
  });

  it("ZSTD_RGBA copies RGBA rows as they are", async () => {
    const f = fb(16, 4);
    const rgba = new Uint8Array(8 * 2 * 4).map((_, i) => (i % 4 === 3 ? 255 : i));
    await applyTiles(f, [tile({ encoding: TileEncoding.ZSTD_RGBA, x: 8, y: 2, w: 8, h: 2, data: compress(rgba, 1) })], codecs);
    expect(f.pixel(8, 2)).toEqual([0, 1, 2, 255]);
    expect(f.pixel(15, 3)).toEqual([rgba[60], rgba[61], rgba[62], 255]);
  });

  it("DEFLATE_BGRA inflates a zlib stream (what DecompressionStream('deflate') reads)", async () => {
    const f = fb(10, 10);
    await applyTiles(f, [tile({ encoding: TileEncoding.DEFLATE_BGRA, x: 5, y: 5, w: 5, h: 5, data: deflateSync(bgraPattern(5, 5, 42)) })], codecs);
    expect(f.pixel(9, 9)).toEqual([42, 4, 4, 255]);
  });

  it("SOLID fills the tile with one BGRA colour", async () => {
    const f = fb(6, 6);
    await applyTiles(f, [tile({ encoding: TileEncoding.SOLID, x: 1, y: 2, w: 3, h: 2, data: new Uint8Array([10, 20, 30, 255]) })], codecs);
    expect(f.pixel(1, 2)).toEqual([30, 20, 10, 255]);
    expect(f.pixel(3, 3)).toEqual([30, 20, 10, 255]);
    expect(f.pixel(4, 3)).toEqual([0, 0, 0, 255]);
    expect(f.pixel(1, 4)).toEqual([0, 0, 0, 255]);
  });

  it("JPEG decodes a baseline JPEG into the tile (lossy: close, not equal)", async () => {
    const f = fb(32, 32);
    const rgba = new Uint8Array(16 * 16 * 4);
    for (let i = 0; i < rgba.length; i += 4) rgba.set([200, 60, 30, 255], i);
    const encoded = jpeg.encode({ data: rgba, width: 16, height: 16 }, 90).data;
    await applyTiles(f, [tile({ encoding: TileEncoding.JPEG, x: 16, y: 16, w: 16, h: 16, data: new Uint8Array(encoded) })], codecs);
    const [r, g, b, a] = f.pixel(24, 24);
    expect(Math.abs(r - 200)).toBeLessThan(6);
    expect(Math.abs(g - 60)).toBeLessThan(6);
    expect(Math.abs(b - 30)).toBeLessThan(6);
    expect(a).toBe(255);
  });

  it("COPY_RECT moves a rectangle without overlap", async () => {
    const f = fb(10, 10);
    numbered(f);
    await applyTiles(f, [tile({ encoding: TileEncoding.COPY_RECT, x: 6, y: 6, w: 3, h: 3, srcX: 0, srcY: 0 })], codecs);
    expect(f.pixel(6, 6)).toEqual([0, 0, 9, 255]);
    expect(f.pixel(8, 8)).toEqual([2, 2, 9, 255]);
  });

  // Overlap is the scroll case: the result must equal a copy through a temporary buffer (memmove).
  for (const [name, sx, sy, dx, dy] of [
    ["scroll up (target above source)", 0, 2, 0, 0],
    ["scroll down (target below source)", 0, 0, 0, 2],
    ["move right within the same rows", 0, 0, 3, 0],
    ["move left within the same rows", 3, 0, 0, 0],
    ["move down-right diagonally", 1, 1, 3, 2],
    ["move up-left diagonally", 3, 2, 1, 1],
  ] as const) {
    it(`COPY_RECT with overlap: ${name}`, async () => {
      const f = fb(12, 12);
      numbered(f);
      const before = f.pixels.slice();
      const w = 7;
      const h = 8;
      await applyTiles(f, [tile({ encoding: TileEncoding.COPY_RECT, x: dx, y: dy, w, h, srcX: sx, srcY: sy })], codecs);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const s = ((sy + y) * 12 + sx + x) * 4;
          expect(f.pixel(dx + x, dy + y)).toEqual([before[s], before[s + 1], before[s + 2], before[s + 3]]);
        }
      // Outside the target nothing changed.
      expect(f.pixel(11, 11)).toEqual([11, 11, 9, 255]);
    });
  }

  it("applies a frame's tiles in order: COPY_RECT reads the display as the earlier tiles left it", async () => {
    const f = fb(4, 1);
    await applyTiles(
      f,
      [
        tile({ encoding: TileEncoding.SOLID, x: 0, y: 0, w: 1, h: 1, data: new Uint8Array([0, 0, 255, 255]) }),
        tile({ encoding: TileEncoding.COPY_RECT, x: 3, y: 0, w: 1, h: 1, srcX: 0, srcY: 0 }),
        tile({ encoding: TileEncoding.SOLID, x: 0, y: 0, w: 1, h: 1, data: new Uint8Array([255, 0, 0, 255]) }),
      ],
      codecs,
    );
    expect(f.pixel(3, 0)).toEqual([255, 0, 0, 255]);
    expect(f.pixel(0, 0)).toEqual([0, 0, 255, 255]);
  });

  it("returns the union of the changed tiles", async () => {
    const f = fb(100, 100);
    const solid = new Uint8Array([1, 2, 3, 255]);
    const dirty = await applyTiles(
      f,
      [tile({ encoding: TileEncoding.SOLID, x: 10, y: 20, w: 5, h: 5, data: solid }), tile({ encoding: TileEncoding.SOLID, x: 50, y: 5, w: 10, h: 2, data: solid })],
      codecs,
    );
    expect(dirty).toEqual({ x: 10, y: 5, w: 50, h: 20 });
    expect(await applyTiles(f, [], codecs)).toBeNull();
  });

  const bad: [string, () => TileInput][] = [
    ["a tile outside the display", () => tile({ encoding: TileEncoding.SOLID, x: 5, y: 0, w: 4, h: 1, data: new Uint8Array(4) })],
    ["a zero-sized tile", () => tile({ encoding: TileEncoding.SOLID, w: 0, h: 1, data: new Uint8Array(4) })],
    ["RAW_BGRA with too few bytes", () => tile({ encoding: TileEncoding.RAW_BGRA, w: 2, h: 2, data: new Uint8Array(15) })],
    ["SOLID with 3 bytes", () => tile({ encoding: TileEncoding.SOLID, w: 1, h: 1, data: new Uint8Array(3) })],
    ["ZSTD_BGRA that is not zstd", () => tile({ encoding: TileEncoding.ZSTD_BGRA, w: 1, h: 1, data: new Uint8Array([1, 2, 3, 4, 5]) })],
    ["ZSTD_BGRA of the wrong size", () => tile({ encoding: TileEncoding.ZSTD_BGRA, w: 2, h: 2, data: compress(new Uint8Array(8), 1) })],
    ["DEFLATE_BGRA that is not zlib", () => tile({ encoding: TileEncoding.DEFLATE_BGRA, w: 1, h: 1, data: new Uint8Array([9, 9, 9]) })],
    ["JPEG that is not a JPEG", () => tile({ encoding: TileEncoding.JPEG, w: 1, h: 1, data: new Uint8Array([0xff, 0xd8, 0]) })],
    ["COPY_RECT from outside the display", () => tile({ encoding: TileEncoding.COPY_RECT, w: 2, h: 1, srcX: 7, srcY: 0 })],
    ["an unknown encoding", () => tile({ encoding: 99 as TileEncoding, w: 1, h: 1 })],
    ["UNSPECIFIED", () => tile({ encoding: TileEncoding.UNSPECIFIED, w: 1, h: 1 })],
  ];
  for (const [name, t] of bad) {
    it(`rejects ${name} with a DecodeError`, async () => {
      await expect(applyTiles(fb(8, 2), [t()], codecs)).rejects.toBeInstanceOf(DecodeError);
    });
  }

  it("refuses absurd display sizes before allocating", () => {
    expect(() => new Framebuffer().resize(100_000, 100_000)).toThrow(DecodeError);
  });

  it("keeps the buffer when the size does not change", () => {
    const f = fb(4, 4);
    const buffer = f.pixels;
    expect(f.resize(4, 4)).toBe(false);
    expect(f.pixels).toBe(buffer);
  });
});

describe("a zstd tile's declared size", () => {
  const magic = [0x28, 0xb5, 0x2f, 0xfd];

  it("is read from the frame header, in each of its field sizes", () => {
    expect(zstdContentSize(compress(new Uint8Array(64 * 64 * 4).fill(3), 1))).toBe(64 * 64 * 4);
    expect(zstdContentSize(new Uint8Array([...magic, 0x20, 200]))).toBe(200); // single segment, 1 byte
    expect(zstdContentSize(new Uint8Array([...magic, 0x60, 0x10, 0x00]))).toBe(0x10 + 256); // 2 bytes, +256
    expect(zstdContentSize(new Uint8Array([...magic, 0xc0, 0x50, 0, 0, 0, 0, 0, 1, 0, 0]))).toBe(2 ** 40); // window byte, 8 bytes
    expect(zstdContentSize(new Uint8Array([...magic, 0x00, 0x50]))).toBeNull(); // not declared
    expect(() => zstdContentSize(new Uint8Array([...magic, 0x80, 0x50, 1]))).toThrow(DecodeError); // cut short
    expect(() => zstdContentSize(new Uint8Array([1, 2, 3, 4, 5, 6]))).toThrow(DecodeError);
  });

  it("must be the tile's: a frame declaring a terabyte for a 1x1 tile is refused before anything inflates it", async () => {
    const liar = new Uint8Array([...magic, 0xc0, 0x50, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    let inflated = 0;
    const counting: Codecs = { ...codecs, zstd: (data, expected) => (inflated++, codecs.zstd(data, expected)) };
    await expect(applyTiles(fb(4, 4), [tile({ encoding: TileEncoding.ZSTD_RGBA, data: liar })], counting)).rejects.toThrow(/declares 1099511627776 bytes/);
    await expect(applyTiles(fb(4, 4), [tile({ encoding: TileEncoding.ZSTD_BGRA, data: liar })], counting)).rejects.toBeInstanceOf(DecodeError);
    expect(inflated).toBe(0);
  });
});
