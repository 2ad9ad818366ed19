/**
 * resvg's WebAssembly module, initialised once per process or worker.
 * @module
 */
import { initWasm } from "@resvg/resvg-wasm";

let ready: Promise<void> | null = null;

/** Resolves once resvg-wasm is initialised; the first call reads and compiles the wasm file. */
export function ensureResvg(): Promise<void> {
  if (ready === null) {
    ready = (async () => {
      const wasm = await Deno.readFile(new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm")));
      await initWasm(wasm);
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}
