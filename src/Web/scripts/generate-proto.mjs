// Generates src/gen/guruconnect_pb.ts (protobuf-es) from proto/guruconnect.proto:
//   npm run generate:proto [-- <path to protoc>]   (default: the protoc that Grpc.Tools restores)
//   npm run generate:proto -- --check               (exit 1 when the checked-in file is stale)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const web = resolve(here, "..");
const protoDir = resolve(web, "..", "..", "proto");
const target = join(web, "src", "gen", "guruconnect_pb.ts");
const args = process.argv.slice(2);
const check = args.includes("--check");
const protoc = args.find((a) => !a.startsWith("--")) ?? findProtoc();

function findProtoc() {
  const root = join(process.env.NUGET_PACKAGES ?? join(homedir(), ".nuget", "packages"), "grpc.tools");
  const versions = existsSync(root) ? readdirSync(root).sort() : [];
  for (const version of versions.reverse()) {
    const candidate = join(root, version, "tools", "linux_x64", "protoc");
    if (existsSync(candidate)) return candidate;
  }
  console.error("protoc not found: restore the solution (dotnet restore) so Grpc.Tools is in the NuGet cache, or pass its path");
  process.exit(2);
}

const out = mkdtempSync(join(tmpdir(), "gc-proto-"));
try {
  execFileSync(protoc, [
    `--plugin=protoc-gen-es=${join(web, "node_modules", ".bin", "protoc-gen-es")}`,
    `--es_out=${out}`,
    "--es_opt=target=ts,import_extension=none",
    `--proto_path=${protoDir}`,
    join(protoDir, "guruconnect.proto"),
  ], { stdio: "inherit" });
  const fresh = readFileSync(join(out, "guruconnect_pb.ts"), "utf8");
  if (check) {
    const current = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (current !== fresh) {
      console.error(`${target} is stale: run npm run generate:proto in src/Web`);
      process.exit(1);
    }
    console.log("src/gen/guruconnect_pb.ts is up to date");
  } else {
    writeFileSync(target, fresh);
    console.log(`wrote ${target}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
