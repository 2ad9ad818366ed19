/**
 * Per-provider figures for the report: calls, calls in flight over time, 429 answers, retries and failures.
 * @module
 */
import type { RunEvent } from "../run/run_events.ts";
import type { Attempt } from "./_html_timeline_model.ts";

/** One point of a step chart: from `at` on, `level` calls are in flight. */
export interface LevelPoint {
  at: number;
  level: number;
}

/** Failures counted for a provider, or for the steps that call none. */
export interface FailureCounts {
  /** `step:failed` events whose error says the provider answered 429. */
  rateLimited: number;
  /** `step:failed` events followed by another attempt. */
  retries: number;
  /** `step:failed` events that ended their step. */
  failed: number;
}

/** What one provider did during the run. */
export interface ProviderStats extends FailureCounts {
  name: string;
  /** Attempts started. */
  calls: number;
  /** The most calls in flight at once. */
  peak: number;
  /** Calls in flight over time, starting at 0 from time 0. */
  series: LevelPoint[];
  /** When the 429 answers came, in ms. */
  rateLimitedAt: number[];
  /** The kind most of its calls have, for the chart's colour. */
  kind: string;
}

/** Per-provider figures and the same counts for steps that call no provider. */
export interface ProviderReport {
  /** One entry per provider named in the map, sorted by name. */
  providers: ProviderStats[];
  /** Steps outside the map: attempts started and failure counts. */
  other: FailureCounts & { calls: number };
}

/**
 * Calls in flight over time from intervals: a call ending when another starts does not overlap it.
 */
export function levelSeries(intervals: readonly { start: number; end: number }[]): LevelPoint[] {
  const changes = intervals.flatMap(({ start, end }) => [{ at: start, delta: 1 }, { at: end, delta: -1 }]);
  changes.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const series: LevelPoint[] = [{ at: 0, level: 0 }];
  let level = 0;
  for (const { at, delta } of changes) {
    level += delta;
    const last = series[series.length - 1]!;
    if (last.at === at) last.level = level;
    else series.push({ at, level });
  }
  return series;
}

/** Counts calls, concurrency and failures per provider from the attempts and the `step:failed` events. */
export function providerReport(
  events: readonly RunEvent[],
  attempts: readonly Attempt[],
  providers: Readonly<Record<string, string>>,
): ProviderReport {
  const byName = new Map<string, ProviderStats>();
  const other = { calls: 0, rateLimited: 0, retries: 0, failed: 0 };
  for (const name of [...new Set(Object.values(providers))].sort()) {
    byName.set(name, {
      name,
      calls: 0,
      peak: 0,
      series: [],
      rateLimitedAt: [],
      kind: "custom",
      rateLimited: 0,
      retries: 0,
      failed: 0,
    });
  }
  const providerOf = (
    step: string,
  ) => (Object.hasOwn(providers, step) ? byName.get(providers[step]!) : undefined);
  for (const event of events) {
    if (event.type !== "step:failed") continue;
    const stats = providerOf(event.step);
    const counts = stats ?? other;
    if (event.error.includes("answered 429")) {
      counts.rateLimited += 1;
      stats?.rateLimitedAt.push(event.at);
    }
    if (event.retrying) counts.retries += 1;
    else counts.failed += 1;
  }
  for (const stats of byName.values()) {
    const calls = attempts.filter((attempt) => providerOf(attempt.step) === stats);
    stats.calls = calls.length;
    stats.series = levelSeries(calls);
    stats.peak = Math.max(0, ...stats.series.map((point) => point.level));
    stats.kind = dominantKind(calls) ?? stats.kind;
  }
  other.calls = attempts.filter((attempt) => providerOf(attempt.step) === undefined).length;
  return { providers: [...byName.values()], other };
}

function dominantKind(attempts: readonly Attempt[]): string | null {
  const counts = new Map<string, number>();
  for (const { kind } of attempts) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  let best: string | null = null;
  for (const [kind, count] of counts) if (best === null || count > counts.get(best)!) best = kind;
  return best;
}
