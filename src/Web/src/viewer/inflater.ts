/// <reference lib="webworker" />
/**
 * The viewer's second zstd thread: the worker (worker.ts) hands it every other zstd tile of a large
 * frame (decoder.ts `tilesToShare`) and inflates the rest itself meanwhile; the bytes come back
 * transferred, not copied, and the worker still applies every tile in order.
 */
import { decompress, init } from "@bokuweb/zstd-wasm";
import type { FromInflater, ToInflater } from "./messages";

declare const self: DedicatedWorkerGlobalScope;

const ready = init();

self.onmessage = async (e: MessageEvent<ToInflater>) => {
  const { id, data, expected } = e.data;
  let reply: FromInflater;
  try {
    await ready;
    // A copy out of wasm memory (zstd-wasm slices it), so its buffer is ours to transfer.
    const raw = decompress(data, { defaultHeapSize: expected }) as Uint8Array<ArrayBuffer>;
    reply = { id, raw };
    self.postMessage(reply, [raw.buffer]);
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
    self.postMessage(reply);
  }
};
