// Generates the TypeScript (protobuf-es) build of proto/guruconnect.proto into ./gen:
//   node generate.mjs <path to protoc>
// protoc is the one Grpc.Tools ships (docs/architecture.md "Stack"); the plugin comes from node_modules.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const protoc = process.argv[2];
if (!protoc) {
  console.error("usage: node generate.mjs <protoc>");
  process.exit(2);
}
const protoDir = resolve(here, "..", "..", "..", "proto");
mkdirSync(join(here, "gen"), { recursive: true });
execFileSync(protoc, [
  `--plugin=protoc-gen-es=${join(here, "node_modules", ".bin", "protoc-gen-es")}`,
  `--es_out=${join(here, "gen")}`,
  "--es_opt=target=js+dts,import_extension=js",
  `--proto_path=${protoDir}`,
  join(protoDir, "guruconnect.proto"),
], { stdio: "inherit" });
