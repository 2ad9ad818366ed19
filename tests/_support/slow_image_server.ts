/**
 * The fake OpenAI-compatible server answering image calls a second after they arrive, and when the first one did:
 * the cue for a test's Ctrl-C while a paid call is out.
 * @module
 */
import { type FakeOpenAiServer, startFakeOpenAi } from "../../lib/fake_api/fake_openai_server.ts";

/** Starts the server; `arrived` resolves once an image call has reached it. */
export function startSlowImageServer(): { server: FakeOpenAiServer; arrived: Promise<void> } {
  const { promise: arrived, resolve } = Promise.withResolvers<void>();
  const server = startFakeOpenAi({
    latency: { min: 1000, max: 1000 },
    statusFor: (path) => {
      if (path === "/v1/images/generations") resolve();
      return null;
    },
  });
  return { server, arrived };
}
