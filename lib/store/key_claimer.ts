/**
 * What takes claims on keys, whatever keeps them: claim files in a store folder ({@linkcode KeyClaims}), or Redis
 * when several hosts share an object store.
 * @module
 */
import type { Claim, ClaimHolder } from "./key_claims.ts";

/**
 * Takes and keeps claims on keys.
 *
 * @example
 * ```ts
 * import type { KeyClaimer } from "./key_claimer.ts";
 * import { KeyClaims } from "./key_claims.ts";
 * const claimer: KeyClaimer = new KeyClaims("/tmp/claims");
 * claimer.close();
 * ```
 */
export interface KeyClaimer {
  /**
   * Takes the claim on a key, waiting while a live owner holds it.
   *
   * @param key The step key.
   * @param options The signal that abandons the wait, and `onWait`, called once if the key is held elsewhere.
   * @returns The claim; release it after committing.
   */
  claim(
    key: string,
    options: { signal?: AbortSignal; onWait?: (holder: ClaimHolder) => void },
  ): Promise<Claim>;
  /** Stops refreshing the claims held. */
  close(): void;
}
