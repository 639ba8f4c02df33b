/// <reference lib="webworker" />
/**
 * The viewer's worker: owns the /ws/viewer socket, decodes VideoFrames into per-display
 * framebuffers (decoder.ts), paints the shown display's dirty rectangle on the OffscreenCanvas,
 * and acknowledges each frame once painted (FrameAck keeps the agent at most 3 frames ahead).
 * Everything else that arrives is handed to the page.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { decompress, init as initZstd } from "@bokuweb/zstd-wasm";
import { EnvelopeSchema, type VideoFrame } from "../gen/guruconnect_pb";
import { applyTiles, DecodeError, Framebuffer, inflateWithStream, type Codecs } from "./decoder";
import type { FromWorker, OutgoingPayload, ToWorker } from "./messages";

declare const self: DedicatedWorkerGlobalScope;

let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;
let socket: WebSocket | null = null;
let shown = -1;
const displays = new Map<number, { fb: Framebuffer; image: ImageData | null }>();
let queue: Promise<void> = Promise.resolve();
let zstdReady: Promise<void> | null = null;
let sawFrame = false;
let pingTimer: ReturnType<typeof setInterval> | undefined;
let statsTimer: ReturnType<typeof setInterval> | undefined;
const pings = new Map<bigint, number>();
let rttMs: number | null = null;
let windowFrames = 0;
let windowBytes = 0;
let windowDecode = 0;
let totalFrames = 0;
let jpegCanvas: OffscreenCanvas | null = null;

function post(message: FromWorker) {
  self.postMessage(message);
}

const codecs: Codecs = {
  zstd: (data, expected) => decompress(data, { defaultHeapSize: expected }),
  inflate: inflateWithStream,
  async jpeg(data) {
    const bitmap = await createImageBitmap(new Blob([data as Uint8Array<ArrayBuffer>], { type: "image/jpeg" }));
    try {
      if (!jpegCanvas || jpegCanvas.width < bitmap.width || jpegCanvas.height < bitmap.height) {
        jpegCanvas = new OffscreenCanvas(Math.max(bitmap.width, jpegCanvas?.width ?? 0), Math.max(bitmap.height, jpegCanvas?.height ?? 0));
      }
      const c = jpegCanvas.getContext("2d", { willReadFrequently: true })!;
      c.drawImage(bitmap, 0, 0);
      return { width: bitmap.width, height: bitmap.height, rgba: c.getImageData(0, 0, bitmap.width, bitmap.height).data };
    } finally {
      bitmap.close();
    }
  },
};

function send(payload: OutgoingPayload) {
  if (socket?.readyState !== WebSocket.OPEN) return;
  socket.send(toBinary(EnvelopeSchema, create(EnvelopeSchema, { payload })));
}

function display(id: number) {
  let d = displays.get(id);
  if (!d) {
    d = { fb: new Framebuffer(), image: null };
    displays.set(id, d);
  }
  return d;
}

function paintAll(id: number) {
  const d = displays.get(id);
  if (!canvas || !ctx || !d || !d.image) return;
  if (canvas.width !== d.fb.width || canvas.height !== d.fb.height) {
    canvas.width = d.fb.width;
    canvas.height = d.fb.height;
  }
  ctx.putImageData(d.image, 0, 0);
}

async function onFrame(frame: VideoFrame) {
  const started = performance.now();
  const d = display(frame.displayId);
  if (d.fb.resize(frame.width, frame.height) || !d.image) {
    d.image = new ImageData(d.fb.pixels, d.fb.width, d.fb.height);
    if (shown < 0) shown = frame.displayId;
    if (frame.displayId === shown) post({ type: "size", displayId: frame.displayId, width: frame.width, height: frame.height });
  }
  try {
    const dirty = await applyTiles(d.fb, frame.tiles, codecs);
    if (frame.displayId === shown && dirty && ctx && canvas) {
      if (canvas.width !== d.fb.width || canvas.height !== d.fb.height) paintAll(shown);
      else ctx.putImageData(d.image!, 0, 0, dirty.x, dirty.y, dirty.w, dirty.h);
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    post({ type: "decodeError", message: e.message });
    send({ case: "keyframeRequest", value: {} });
  }
  send({ case: "frameAck", value: { seq: frame.seq } });
  windowFrames++;
  totalFrames++;
  windowDecode += performance.now() - started;
  if (!sawFrame) {
    sawFrame = true;
    post({ type: "firstFrame" });
  }
}

function connect(url: string) {
  socket?.close();
  sawFrame = false;
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  socket = ws;
  ws.onopen = () => {
    post({ type: "open" });
    pingTimer = setInterval(() => {
      const nonce = BigInt(Math.floor(Math.random() * Number.MAX_SAFE_INTEGER));
      pings.set(nonce, performance.now());
      send({ case: "ping", value: { nonce } });
    }, 5_000);
  };
  ws.onclose = (e) => {
    if (socket !== ws) return;
    clearInterval(pingTimer);
    socket = null;
    post({ type: "closed", code: e.code, reason: e.reason });
  };
  ws.onmessage = (e) => {
    const bytes = new Uint8Array(e.data as ArrayBuffer);
    windowBytes += bytes.length;
    let envelope;
    try {
      envelope = fromBinary(EnvelopeSchema, bytes);
    } catch {
      return; // not ours to show; the relay validates what it forwards
    }
    const payload = envelope.payload;
    switch (payload.case) {
      case "videoFrame": {
        const frame = payload.value;
        queue = queue.then(() => (zstdReady ?? Promise.resolve()).then(() => onFrame(frame))).catch((err) => post({ type: "decodeError", message: String(err) }));
        break;
      }
      case "ping":
        send({ case: "pong", value: { nonce: payload.value.nonce } });
        break;
      case "pong": {
        const sent = pings.get(payload.value.nonce);
        if (sent !== undefined) {
          rttMs = performance.now() - sent;
          pings.delete(payload.value.nonce);
        }
        break;
      }
      case undefined:
        break;
      default:
        post({ type: "message", payload });
    }
  };
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "init":
      canvas = m.canvas;
      ctx = canvas.getContext("2d", { alpha: false });
      // The web build of zstd-wasm finds its .wasm by new URL("./zstd.wasm", import.meta.url), which Vite bundles.
      zstdReady = initZstd();
      statsTimer ??= setInterval(() => {
        post({ type: "stats", stats: { fps: windowFrames, kbps: Math.round((windowBytes * 8) / 1000), rttMs, frames: totalFrames, decodeMs: windowFrames ? windowDecode / windowFrames : 0 } });
        windowFrames = 0;
        windowBytes = 0;
        windowDecode = 0;
      }, 1000);
      break;
    case "connect":
      connect(m.url);
      break;
    case "send":
      send(m.payload);
      break;
    case "show": {
      shown = m.displayId;
      const d = displays.get(shown);
      if (d) {
        post({ type: "size", displayId: shown, width: d.fb.width, height: d.fb.height });
        paintAll(shown);
      }
      break;
    }
    case "snapshot": {
      // What the canvas shows, read back from the canvas itself (tests compare it with the remote screen).
      const width = canvas?.width ?? 0;
      const height = canvas?.height ?? 0;
      const rgba = ctx && width > 0 && height > 0 ? ctx.getImageData(0, 0, width, height).data : new Uint8ClampedArray(0);
      self.postMessage({ type: "snapshot", id: m.id, width, height, rgba } satisfies FromWorker, [rgba.buffer]);
      break;
    }
    case "close":
      clearInterval(pingTimer);
      if (socket) {
        const ws = socket;
        send({ case: "disconnect", value: { reason: "viewer-closed" } });
        socket = null;
        ws.close(1000, "viewer closed");
      }
      break;
  }
};
