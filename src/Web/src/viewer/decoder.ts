import { TileEncoding } from "../gen/guruconnect_pb";

/**
 * The tile decoder (docs/protocol.md "Tiles"): applies a VideoFrame's tiles, in order, to one
 * display's framebuffer. Pure: no DOM, no canvas — the worker hands it codecs (zstd-wasm,
 * DecompressionStream, the browser's JPEG decoder) and paints the dirty rectangle afterwards;
 * the unit tests hand it the same zstd and deflate and a JS JPEG decoder.
 *
 * The framebuffer is RGBA (what ImageData wants), allocated once per display size, so a steady
 * stream allocates nothing here except what a codec returns.
 */
export interface TileInput {
  x: number;
  y: number;
  w: number;
  h: number;
  encoding: TileEncoding;
  data: Uint8Array;
  srcX: number;
  srcY: number;
}

export interface Codecs {
  /** One zstd frame → its bytes; `expected` is the tile's w*h*4, the room to inflate into when the frame does not say. */
  zstd(data: Uint8Array, expected: number): Uint8Array;
  /** A zlib (RFC 1950) stream → its bytes. */
  inflate(data: Uint8Array): Promise<Uint8Array>;
  /** A baseline JPEG → w*h*4 RGBA bytes, and its size. */
  jpeg(data: Uint8Array): Promise<{ width: number; height: number; rgba: Uint8Array | Uint8ClampedArray }>;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecodeError";
  }
}

export class Framebuffer {
  width = 0;
  height = 0;
  pixels: Uint8ClampedArray<ArrayBuffer> = new Uint8ClampedArray(0);

  /** Sizes the buffer for a display; a new size starts black (opaque). Returns true when it changed. */
  resize(width: number, height: number): boolean {
    if (width === this.width && height === this.height) return false;
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384) throw new DecodeError(`display size ${width}x${height} is out of range`);
    this.width = width;
    this.height = height;
    this.pixels = new Uint8ClampedArray(width * height * 4);
    for (let i = 3; i < this.pixels.length; i += 4) this.pixels[i] = 255;
    return true;
  }

  /** RGBA of one pixel, for tests and the stats overlay. */
  pixel(x: number, y: number): [number, number, number, number] {
    const i = (y * this.width + x) * 4;
    return [this.pixels[i], this.pixels[i + 1], this.pixels[i + 2], this.pixels[i + 3]];
  }
}

function checkBounds(fb: Framebuffer, x: number, y: number, w: number, h: number, what: string) {
  if (w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > fb.width || y + h > fb.height) {
    throw new DecodeError(`${what} ${w}x${h}+${x}+${y} is outside the ${fb.width}x${fb.height} display`);
  }
}

function checkLength(bytes: Uint8Array | Uint8ClampedArray, w: number, h: number, what: string) {
  if (bytes.length !== w * h * 4) throw new DecodeError(`${what}: ${bytes.length} bytes for a ${w}x${h} tile (want ${w * h * 4})`);
}

/** BGRA rows → RGBA framebuffer, swapping blue and red. */
export function blitBgra(fb: Framebuffer, x: number, y: number, w: number, h: number, src: Uint8Array) {
  const dst = fb.pixels;
  const stride = fb.width * 4;
  for (let row = 0; row < h; row++) {
    let s = row * w * 4;
    let d = (y + row) * stride + x * 4;
    const end = s + w * 4;
    while (s < end) {
      dst[d] = src[s + 2];
      dst[d + 1] = src[s + 1];
      dst[d + 2] = src[s];
      dst[d + 3] = src[s + 3];
      s += 4;
      d += 4;
    }
  }
}

/** RGBA rows → RGBA framebuffer, one row copy each. */
export function blitRgba(fb: Framebuffer, x: number, y: number, w: number, h: number, src: Uint8Array | Uint8ClampedArray) {
  const stride = fb.width * 4;
  const rowBytes = w * 4;
  for (let row = 0; row < h; row++) {
    fb.pixels.set(src.subarray(row * rowBytes, row * rowBytes + rowBytes), (y + row) * stride + x * 4);
  }
}

export function fillSolid(fb: Framebuffer, x: number, y: number, w: number, h: number, bgra: Uint8Array) {
  if (bgra.length !== 4) throw new DecodeError(`SOLID tile: ${bgra.length} bytes (want 4)`);
  const stride = fb.width * 4;
  const rowBytes = w * 4;
  const first = y * stride + x * 4;
  const dst = fb.pixels;
  for (let i = first; i < first + rowBytes; i += 4) {
    dst[i] = bgra[2];
    dst[i + 1] = bgra[1];
    dst[i + 2] = bgra[0];
    dst[i + 3] = bgra[3];
  }
  for (let row = 1; row < h; row++) dst.copyWithin(first + row * stride, first, first + rowBytes);
}

/**
 * COPY_RECT: the w×h rectangle at (sx, sy) moves to (x, y) as memmove would: the result equals
 * copying through a temporary buffer, whatever the overlap. Rows go bottom-up when the target is
 * below the source, so no source row is overwritten before it is read; copyWithin handles the
 * horizontal overlap within a row.
 */
export function copyRect(fb: Framebuffer, sx: number, sy: number, x: number, y: number, w: number, h: number) {
  const stride = fb.width * 4;
  const rowBytes = w * 4;
  const dst = fb.pixels;
  if (y > sy) {
    for (let row = h - 1; row >= 0; row--) {
      const s = (sy + row) * stride + sx * 4;
      dst.copyWithin((y + row) * stride + x * 4, s, s + rowBytes);
    }
  } else {
    for (let row = 0; row < h; row++) {
      const s = (sy + row) * stride + sx * 4;
      dst.copyWithin((y + row) * stride + x * 4, s, s + rowBytes);
    }
  }
}

function union(a: Rect | null, b: Rect): Rect {
  if (!a) return { ...b };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/**
 * The Frame_Content_Size a zstd frame's header declares (RFC 8878 §3.1.1.1), or null when it declares
 * none. zstd-wasm allocates what the header declares before it inflates, so a tile whose header says
 * anything but w*h*4 is refused before that (a hostile agent could otherwise make the viewer's worker
 * grow its memory by gigabytes, for good). Not a zstd frame, or a header cut short: a DecodeError.
 */
export function zstdContentSize(data: Uint8Array): number | null {
  if (data.length < 5 || data[0] !== 0x28 || data[1] !== 0xb5 || data[2] !== 0x2f || data[3] !== 0xfd) throw new DecodeError("zstd: not a zstd frame");
  const descriptor = data[4];
  const single = (descriptor >> 5) & 1;
  const fieldSize = [single, 2, 4, 8][descriptor >> 6];
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][descriptor & 3];
  if (fieldSize === 0) return null;
  if (data.length < at + fieldSize) throw new DecodeError("zstd: the frame header is cut short");
  let size = 0;
  for (let k = fieldSize - 1; k >= 0; k--) size = size * 256 + data[at + k];
  return fieldSize === 2 ? size + 256 : size;
}

/** Refuses a zstd tile whose header declares another size than the tile's, before anything is allocated for it. */
function checkDeclared(data: Uint8Array, w: number, h: number, what: string) {
  const declared = zstdContentSize(data);
  if (declared !== null && declared !== w * h * 4) throw new DecodeError(`${what}: the zstd frame declares ${declared} bytes for a ${w}x${h} tile (want ${w * h * 4})`);
}

/**
 * Applies one frame's tiles in order and returns the rectangle that changed (null when none).
 * A tile that does not fit the display or whose bytes do not decode to w*h pixels throws a
 * DecodeError; the viewer then asks for a keyframe rather than painting garbage.
 */
export async function applyTiles(fb: Framebuffer, tiles: readonly TileInput[], codecs: Codecs): Promise<Rect | null> {
  let dirty: Rect | null = null;
  for (const t of tiles) {
    checkBounds(fb, t.x, t.y, t.w, t.h, "tile");
    switch (t.encoding) {
      case TileEncoding.RAW_BGRA:
        checkLength(t.data, t.w, t.h, "RAW_BGRA tile");
        blitBgra(fb, t.x, t.y, t.w, t.h, t.data);
        break;
      case TileEncoding.ZSTD_BGRA:
        blitBgra(fb, t.x, t.y, t.w, t.h, zstdTile(codecs, t, "ZSTD_BGRA tile"));
        break;
      case TileEncoding.ZSTD_RGBA:
        blitRgba(fb, t.x, t.y, t.w, t.h, zstdTile(codecs, t, "ZSTD_RGBA tile"));
        break;
      case TileEncoding.DEFLATE_BGRA: {
        let raw: Uint8Array;
        try {
          raw = await codecs.inflate(t.data);
        } catch (e) {
          throw new DecodeError(`DEFLATE_BGRA tile: ${e instanceof Error ? e.message : e}`);
        }
        checkLength(raw, t.w, t.h, "DEFLATE_BGRA tile");
        blitBgra(fb, t.x, t.y, t.w, t.h, raw);
        break;
      }
      case TileEncoding.SOLID:
        fillSolid(fb, t.x, t.y, t.w, t.h, t.data);
        break;
      case TileEncoding.JPEG: {
        let image: Awaited<ReturnType<Codecs["jpeg"]>>;
        try {
          image = await codecs.jpeg(t.data);
        } catch (e) {
          throw new DecodeError(`JPEG tile: ${e instanceof Error ? e.message : e}`);
        }
        if (image.width !== t.w || image.height !== t.h) throw new DecodeError(`JPEG tile is ${image.width}x${image.height}, tile says ${t.w}x${t.h}`);
        blitRgba(fb, t.x, t.y, t.w, t.h, image.rgba);
        break;
      }
      case TileEncoding.COPY_RECT:
        checkBounds(fb, t.srcX, t.srcY, t.w, t.h, "COPY_RECT source");
        copyRect(fb, t.srcX, t.srcY, t.x, t.y, t.w, t.h);
        break;
      default:
        throw new DecodeError(`unknown tile encoding ${t.encoding}`);
    }
    dirty = union(dirty, { x: t.x, y: t.y, w: t.w, h: t.h });
  }
  return dirty;
}

/** A zstd tile's w*h*4 bytes: its header checked first, then inflated, then its length checked. */
function zstdTile(codecs: Codecs, t: TileInput, what: string): Uint8Array {
  checkDeclared(t.data, t.w, t.h, what);
  let raw: Uint8Array;
  try {
    raw = codecs.zstd(t.data, t.w * t.h * 4);
  } catch (e) {
    throw new DecodeError(`zstd: ${e instanceof Error ? e.message : e}`);
  }
  checkLength(raw, t.w, t.h, what);
  return raw;
}

/** DecompressionStream("deflate") (zlib format), in every current browser and in Node 18+. */
export async function inflateWithStream(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
