import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The one web app (kiosk, reception console); the server serves dist/ at `/` (routes/web). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/oqs': 'http://127.0.0.1:8080', '/reader': 'http://127.0.0.1:8080' } },
});
