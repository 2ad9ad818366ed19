/**
 * A place in a recording as its user reads it, for messages: `h:mm:ss.s`, or `m:ss.s` under an hour.
 * @module
 */

/** `h:mm:ss.s`, or `m:ss.s` under an hour. */
export function clock(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const h = Math.floor(tenths / 36_000);
  const m = Math.floor(tenths / 600) % 60;
  const s = ((tenths % 600) / 10).toFixed(1).padStart(4, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
