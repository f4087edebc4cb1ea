import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves web/dist at "/" and index.html for every non-API, non-asset
// GET path (BrowserRouter). `npm run dev` proxies the API to a local server.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks: {
          react: ['react', 'react-dom', 'react-router-dom'],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.GUANXI_API ?? 'http://127.0.0.1:8080',
      '/healthz': process.env.GUANXI_API ?? 'http://127.0.0.1:8080',
    },
  },
});
