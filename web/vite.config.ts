import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// `npm run dev` proxies the APIs to a running `xuncha run` (port 8000), so the dashboard
// can be developed with hot reload against the embedded platform.
export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/dev": "http://127.0.0.1:8000",
    },
  },
  build: {
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        manualChunks: { echarts: ["echarts/core", "echarts/charts", "echarts/components", "echarts/renderers"] },
      },
    },
  },
});
