/** What the viewer page and its worker say to each other (structured-cloned plain objects). */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Envelope, EnvelopeSchema } from "../gen/guruconnect_pb";

/** The payload of an Envelope the page asks the worker to send: `{ case, value }` in protobuf-es init form. */
export type OutgoingPayload = Exclude<NonNullable<MessageInitShape<typeof EnvelopeSchema>["payload"]>, { case: undefined }>;

export type ToWorker =
  | { type: "init"; canvas: OffscreenCanvas }
  | { type: "connect"; url: string }
  | { type: "send"; payload: OutgoingPayload }
  | { type: "show"; displayId: number }
  | { type: "snapshot"; id: number }
  | { type: "close" };

export interface Stats {
  fps: number;
  kbps: number;
  rttMs: number | null;
  frames: number;
  decodeMs: number;
}

export type FromWorker =
  | { type: "open" }
  | { type: "closed"; code: number; reason: string }
  | { type: "size"; displayId: number; width: number; height: number }
  | { type: "firstFrame" }
  | { type: "message"; payload: Envelope["payload"] }
  | { type: "stats"; stats: Stats }
  | { type: "decodeError"; message: string }
  | { type: "snapshot"; id: number; width: number; height: number; rgba: Uint8ClampedArray };
