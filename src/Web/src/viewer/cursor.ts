/** A CursorShape as a CSS cursor value (data: PNG with its hotspot), cached by shape id. */
const cache = new Map<number, string>();

export function cursorCss(shape: { id: number; hotX: number; hotY: number; w: number; h: number; rgba: Uint8Array }): string | null {
  const cached = cache.get(shape.id);
  if (cached) return cached;
  if (shape.w <= 0 || shape.h <= 0 || shape.w > 256 || shape.h > 256 || shape.rgba.length !== shape.w * shape.h * 4) return null;
  const canvas = document.createElement("canvas");
  canvas.width = shape.w;
  canvas.height = shape.h;
  canvas.getContext("2d")!.putImageData(new ImageData(new Uint8ClampedArray(shape.rgba), shape.w, shape.h), 0, 0);
  const css = `url(${canvas.toDataURL("image/png")}) ${Math.min(shape.hotX, shape.w - 1)} ${Math.min(shape.hotY, shape.h - 1)}, default`;
  if (cache.size > 64) cache.clear();
  cache.set(shape.id, css);
  return css;
}
