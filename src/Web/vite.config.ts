import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server serves dist/ at / (src/Server copies it into its wwwroot); `npm run dev` proxies the
// API and both WebSocket planes to a server on :8080 (scripts/run.sh).
const server = process.env.GURUCONNECT_DEV_SERVER ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 900 },
  worker: { format: "es" },
  server: {
    proxy: {
      "/api": server,
      "/openapi": server,
      // The end user's /support page (and /support.js) and the downloads are the server's, not the console's.
      "/support": server,
      "/download": server,
      "/ws": { target: server.replace(/^http/, "ws"), ws: true },
    },
  },
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
  },
});
