/**
 * An in-memory step store for scheduler tests: no disk, counts commits; claims are taken at once.
 * @module
 */
import type { Claim } from "../../lib/store/key_claims.ts";
import type { StepStore, StoredArtifact } from "../../lib/store/step_store.ts";

/** A {@linkcode StepStore} held in a Map. */
export class MemoryStore implements StepStore {
  readonly artifacts = new Map<string, StoredArtifact>();
  commits = 0;

  lookup(key: string): Promise<StoredArtifact | null> {
    return Promise.resolve(this.artifacts.get(key) ?? null);
  }

  peek(key: string): Promise<StoredArtifact | null> {
    return this.lookup(key);
  }

  claim(_key: string): Promise<Claim> {
    return Promise.resolve({ release: () => Promise.resolve(), held: () => Promise.resolve(true) });
  }

  scratch(key: string): Promise<string> {
    return Promise.resolve(`/memory/${key}`);
  }

  commit(key: string, artifact: Parameters<StepStore["commit"]>[1]): Promise<StoredArtifact> {
    this.commits++;
    const stored = { key, path: null, value: artifact.value, children: artifact.children };
    this.artifacts.set(key, stored);
    return Promise.resolve(stored);
  }

  readonly keepsAnswers = true;

  answerPath(key: string): string {
    return `/memory/answers/${key}`;
  }

  discard(): Promise<void> {
    return Promise.resolve();
  }

  remove(key: string): Promise<void> {
    this.artifacts.delete(key);
    return Promise.resolve();
  }
}
