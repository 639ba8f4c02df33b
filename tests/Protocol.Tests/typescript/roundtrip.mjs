// Reads hex-encoded Envelopes (one per line) written by the C# test, decodes each with the
// generated TypeScript code, and writes back "<payload case>\t<re-encoded hex>" per line.
//   node roundtrip.mjs <in> <out>
import { readFileSync, writeFileSync } from "node:fs";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { EnvelopeSchema } from "./gen/guruconnect_pb.js";

const [input, output] = process.argv.slice(2);
const lines = readFileSync(input, "utf8").split("\n").filter((l) => l.length > 0);
const results = lines.map((hex) => {
  const envelope = fromBinary(EnvelopeSchema, Buffer.from(hex, "hex"));
  return `${envelope.payload.case ?? "none"}\t${Buffer.from(toBinary(EnvelopeSchema, envelope)).toString("hex")}`;
});
writeFileSync(output, results.join("\n") + "\n");
