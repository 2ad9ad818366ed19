/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * The step worker: receives {@linkcode ToWorker} messages, runs each step with its kind's runner, and answers with
 * {@linkcode FromWorker} messages. Several steps may run at once; each has its own AbortController. A registered
 * step kind's code is loaded when the worker's first step of that kind arrives, or earlier when a `warm` message
 * names the kind (a render sends one for the kinds it will run: a lesson's worker never loads the transcription
 * code). Besides those, it loads at once the kinds exported (as `stepKinds`) by every module named in
 * its URL's `steps` parameters; they take precedence over registered kinds of the same name.
 * @module
 */
import { InputError, ProviderError, UnrecoverableError } from "../core/errors.ts";
import { outsideSteps, runningStep } from "../core/step_context.ts";
import { paceHeap } from "../core/heap_pacer.ts";
import { changedRead, changedReadMessage, checkReads } from "../media/planned_reads.ts";
import { endedOnInterrupt } from "../media/run_process.ts";
import { thrownAt, uncaughtDescription } from "../workflow/import_failure.ts";
import { STEP_KIND_LOADERS } from "../workflow/step_kind_loaders.ts";
import type { ChildSpec, StepTask } from "../core/step_task.ts";
import type { CoreLoan, StepKindDefinition } from "../steps/step_kind.ts";
import { type FromWorker, isToWorker } from "./worker_protocol.ts";
import { type LoadWatch, watchLoad } from "./_load_watch.ts";

// Each worker keeps its own garbage in bounds over a long render (see heap_pacer.ts).
paceHeap();

/** Thrown by `Deno.exit` inside a worker: a step that calls it fails at once (it would close the worker unseen). */
class ExitCalledError extends UnrecoverableError {
  constructor(readonly call: string) {
    // The workflow's code is at fault: bad input.
    super(`Called ${call}: a step must return or throw`, { badInput: true });
    this.name = "ExitCalledError";
  }
}
// Before any step module loads: a worker that exits or closes itself sends no event to the main thread, and its
// steps would wait for their timeouts.
Deno.exit = (code?: number): never => {
  throw new ExitCalledError(`Deno.exit(${code ?? ""})`);
};
self.close = (): never => {
  throw new ExitCalledError("self.close()");
};
// Held before any step module loads too: a step that sets `self.onmessage`, or `postMessage`, to something else cut
// its worker off the main thread (fi20: its result was never sent, and the next step on the worker waited for its
// load's timeout, blamed for it).
const postToMain = self.postMessage.bind(self);

const controllers = new Map<number, AbortController>();

/** The steps' asks for a core more that the main thread has not answered yet, by loan number. */
const asks = new Map<number, { taskId: number; answer: (granted: boolean) => void }>();
let nextLoan = 1;

/**
 * A step's `borrowCore`: asks the main thread, which answers once (see `_core_loans.ts`); the step's signal, or its
 * end, withdraws an ask not yet answered.
 */
function borrowCore(taskId: number, signal: AbortSignal): Promise<CoreLoan | null> {
  // A step that has ended (its code asking from a timer) is lent nothing.
  if (signal.aborted || !controllers.has(taskId)) return Promise.resolve(null);
  const loan = nextLoan++;
  const { promise, resolve } = Promise.withResolvers<CoreLoan | null>();
  let returned = false;
  const giveBack = () => {
    if (returned) return;
    returned = true;
    send({ type: "return", taskId, loan });
  };
  const withdraw = () => {
    asks.delete(loan);
    giveBack();
    resolve(null);
  };
  signal.addEventListener("abort", withdraw, { once: true });
  asks.set(loan, {
    taskId,
    answer: (granted) => {
      asks.delete(loan);
      signal.removeEventListener("abort", withdraw);
      if (granted) return resolve({ release: giveBack });
      returned = true;
      resolve(null);
    },
  });
  send({ type: "borrow", taskId, loan });
  return promise;
}

// Errors a step's code lets escape (a timer's throw, a promise it did not await) crashed the worker, and every step
// running on it failed for them, retried or not (fi: another video's narration failed for a custom step's late
// throw). Each step runs in its own async context (`runningStep`), which its promises and timers carry: such an error
// is its step's. A step still running fails with it; one that has ended is named to the main thread once (`stray`),
// its result kept, and the worker goes on. An error no step's context carries (code loaded outside the steps, a throw
// in an event listener) still crashes the worker.

/** The running steps' hooks that fail them with an error their code let escape. */
const escapes = new Map<number, (error: unknown) => void>();
/**
 * The ids of the steps that ran here and have not been named for an escaped error yet, the latest
 * {@linkcode KEPT_STEP_IDS}.
 */
const stepIds = new Map<number, string>();
const KEPT_STEP_IDS = 10_000;

/** Routes an error that escaped a step's code to its step; false when no step's context carries it. */
function escaped(error: unknown): boolean {
  const taskId = runningStep.getStore();
  if (taskId === undefined) return false;
  const fail = escapes.get(taskId);
  const step = stepIds.get(taskId);
  if (fail !== undefined) fail(error);
  else if (step !== undefined) {
    // Named once: a step that leaves several errors behind is told of by its first.
    stepIds.delete(taskId);
    send({ type: "stray", step, error: uncaughtDescription(error) });
  }
  return true;
}

self.addEventListener("unhandledrejection", (event) => {
  if (escaped(event.reason)) event.preventDefault();
});
// A timer's throw reaches the `error` event outside its context: each callback is caught in its own. An interval
// whose callback throws so is cleared (before, the crash ended it; it would throw at every tick).
type Timer = (callback: unknown, ...rest: unknown[]) => number;
const { setTimeout: later, setInterval: every } = globalThis as unknown as Record<string, Timer>;
function caughtInContext(callback: unknown, ended: () => void): unknown {
  if (typeof callback !== "function") return callback;
  return function (this: unknown, ...given: unknown[]) {
    try {
      return callback.apply(this, given);
    } catch (error) {
      if (!escaped(error)) throw error;
      ended();
    }
  };
}
const { setImmediate: soon, queueMicrotask: next } = globalThis as unknown as Record<string, Timer>;
/** A timer wrapped, with the original's own properties (`util.promisify` reads its custom promise form, rv2). */
function wrapped(original: Timer | undefined, wrapper: Timer): Timer | undefined {
  if (original === undefined) return undefined;
  Object.defineProperties(wrapper, Object.getOwnPropertyDescriptors(original));
  return wrapper;
}
Object.assign(globalThis, {
  setTimeout: wrapped(later, (callback, ...rest) => later!(caughtInContext(callback, () => {}), ...rest)),
  setInterval: wrapped(every, (callback, ...rest) => {
    const id: number = every!(caughtInContext(callback, () => clearInterval(id)), ...rest);
    return id;
  }),
  setImmediate: wrapped(soon, (callback, ...rest) => soon!(caughtInContext(callback, () => {}), ...rest)),
  queueMicrotask: wrapped(next, (callback) => next!(caughtInContext(callback, () => {}))),
});
const kinds = new Map<string, Promise<StepKindDefinition | undefined>>();
for (const module of new URL(import.meta.url).searchParams.getAll("steps")) {
  const extra = (await import(module)) as { stepKinds?: StepKindDefinition[] };
  for (const definition of extra.stepKinds ?? []) kinds.set(definition.kind, Promise.resolve(definition));
}

/** The kind's definition, its code loaded on first use; undefined when no kind has that name. */
function kindNamed(name: string): Promise<StepKindDefinition | undefined> {
  let kind = kinds.get(name);
  if (kind === undefined) {
    const load = Object.hasOwn(STEP_KIND_LOADERS, name) ? STEP_KIND_LOADERS[name] : undefined;
    // Outside any step: what the module starts at its top level is no step's.
    kind = load === undefined ? Promise.resolve(undefined) : outsideSteps(load);
    kinds.set(name, kind);
    // A load that failed is forgotten, so the kind's next step tries again (and fails with the same message if the
    // module itself is broken).
    kind.catch(() => kinds.delete(name));
  }
  return kind;
}

/**
 * What a step threw, in words: an Error's message; a string as it is; anything else as JSON where it can be
 * (`{"code":7}`; before, "[object Object]"), cut to 300 characters.
 */
function thrownMessage(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A value JSON cannot write (a BigInt, a cycle): its string form.
  }
  text ??= String(value);
  return `threw ${text.length > 300 ? `${text.slice(0, 300)}…` : text}, not an Error`;
}

/**
 * Where the user's code threw (a custom step's, or a module it imports), as the words after its message: ` (a
 * TypeError, at line 11, column 40 of steps.ts)`; nothing for what reel's own code threw (nt9: a custom step's
 * TypeError was told by its message alone, and only a late throw had its place).
 */
function placeOfThrow(error: unknown): string {
  const place = thrownAt(error);
  if (place === null || !(error instanceof Error)) return "";
  return ` (${error.name === "Error" ? "" : `a ${error.name}, `}at ${place})`;
}

function send(message: FromWorker): void {
  postToMain(message);
}

function run(taskId: number, task: StepTask): Promise<void> {
  stepIds.set(taskId, task.id);
  if (stepIds.size > KEPT_STEP_IDS) stepIds.delete(stepIds.keys().next().value!);
  // Its kind's code loads outside it (see `outsideSteps`, in `kindNamed`).
  const kind = kindNamed(task.kind);
  return runningStep.run(taskId, () => runStep(taskId, task, kind));
}

/** How long (ms) a step failed by an escaped error may take to stop before its failure is sent anyway. */
const ESCAPE_GRACE_MS = 2000;

async function runStep(
  taskId: number,
  task: StepTask,
  loading: Promise<StepKindDefinition | undefined>,
): Promise<void> {
  const controller = new AbortController();
  controllers.set(taskId, controller);
  const children: ChildSpec[] = [];
  const warnings: string[] = [];
  const escape = Promise.withResolvers<never>();
  escape.promise.catch(() => {});
  let failedByEscape = false;
  escapes.set(taskId, (error) => {
    failedByEscape = true;
    // Its failure is its error: not named again as one that ended.
    stepIds.delete(taskId);
    escape.reject(error);
  });
  let running: ReturnType<StepKindDefinition["run"]> | null = null;
  let ran = false;
  try {
    const kind = await loading;
    if (kind === undefined) throw new UnrecoverableError(`No step kind "${task.kind}" in this worker`);
    await Promise.race([kind.prepare?.(task), escape.promise]);
    // Cancelled while it prepared: a step's code listens for its signal's abort, which has happened already.
    controller.signal.throwIfAborted();
    // Its timeout counts from here: loading its kind's code on a fresh worker is not its time.
    send({ type: "running", taskId });
    running = kind.run(task, {
      signal: controller.signal,
      spawn: (child) => children.push(child),
      reportRateLimit: (info) => send({ type: "rate-limit", taskId, info }),
      reportProgress: (fraction) => send({ type: "progress", taskId, fraction }),
      borrowCore: (signal) => borrowCore(taskId, signal),
      warn: (message) => warnings.push(message),
    });
    const value = await Promise.race([running, escape.promise]);
    ran = true;
    // A file it read by path that changed since the plan would be stored under its old bytes' key.
    checkReads(task);
    send({ type: "done", taskId, result: { value, children, ...warnings.length > 0 ? { warnings } : {} } });
  } catch (thrown) {
    // A file it read by path that changed while it ran is why it failed, most likely (fi6: a variant's input
    // overwritten mid-encode was said to be "cut short: a partial download or copy?"). Not looked at again when
    // the step ran to its end (the check itself threw), nor for a step cancelled.
    const error = ran || controller.signal.aborted ? thrown : changedReadFailure(task, thrown) ?? thrown;
    let stuck = false;
    if (failedByEscape) {
      // Failed by an escaped error while its code may still run: stopped as a cancelled step is, and its failure
      // sent once it has; one that ignores its signal for the grace is sent as stuck, and the pool replaces this
      // worker (as for a cancelled step), so that no retry runs beside it.
      controller.abort(error);
      if (running !== null) {
        const grace = Promise.withResolvers<boolean>();
        const timer = setTimeout(() => grace.resolve(true), ESCAPE_GRACE_MS);
        stuck = await Promise.race([running.then(() => false, () => false), grace.promise]);
        clearTimeout(timer);
      }
    }
    // A step whose cleanups (`await using`) threw too after it failed throws a SuppressedError, "An error was
    // suppressed during disposal" (rv12), one in another for each (rv14): it fails for its own error, as that error
    // says, the cleanups' told after.
    const cleanups: unknown[] = [];
    let failure: unknown = error;
    while (failure instanceof SuppressedError) {
      cleanups.unshift(failure.error);
      failure = failure.suppressed;
    }
    const provider = failure instanceof ProviderError ? failure : null;
    // Bad input (a voice, an image), misuse and bugs fail at once; anything else may pass on retry.
    const permanent = failure instanceof UnrecoverableError || failure instanceof InputError ||
      failure instanceof TypeError || failure instanceof RangeError;
    // What a render as it is would meet again: the workflow's files or code (a step that calls Deno.exit), a
    // program, a provider's answer it will not ask again for (a spent quota's 429s aside: later, it may pass). Not
    // reel's own fault (a TypeError, a kind this worker lacks) nor a file changed while the run went on.
    const badInput = failure instanceof InputError ||
      (failure instanceof UnrecoverableError && failure.badInput) ||
      (provider !== null && !provider.retryable && provider.status !== 429);
    send({
      type: "failed",
      taskId,
      failure: {
        name: failure instanceof Error ? failure.name : "Error",
        message: (failure instanceof ExitCalledError
          ? `Step "${task.id}" called ${failure.call}: a step must return or throw`
          : `${thrownMessage(failure)}${placeOfThrow(failure)}`) +
          (cleanups.length === 0
            ? ""
            : ` (and then its cleanup failed: ${
              cleanups.map((cleanup) =>
                thrownMessage(cleanup)
              ).join("; ")
            })`),
        retryable: provider !== null ? provider.retryable : !permanent,
        status: provider?.status ?? null,
        retryAfterMs: provider?.retryAfterMs ?? null,
        provider: provider?.provider ?? null,
        interrupted: endedOnInterrupt(failure),
        ...badInput ? { badInput } : {},
        ...stuck ? { stuck } : {},
      },
    });
  } finally {
    controllers.delete(taskId);
    escapes.delete(taskId);
    // The main thread gives back what it lent the step when the step ends: an ask still open gets none.
    for (const ask of [...asks.values()]) if (ask.taskId === taskId) ask.answer(false);
  }
}

/**
 * The error that says a file a failed step read by path changed since the plan, its own failure told in it; null
 * when none did (a file it may no longer open for reading counts as changed), or when the system refused to tell
 * (a folder where the file was, a file gone between its stat and its read, an I/O error): the step's own failure,
 * which is sent, is all there is to say then. Never thrown (rv9: thrown here, in the step's catch, it was sent
 * nowhere, and the render waited for the step for ever).
 */
function changedReadFailure(task: StepTask, failure: unknown): UnrecoverableError | null {
  const own = thrownMessage(failure);
  let changed;
  try {
    changed = changedRead(task);
  } catch (error) {
    if (Object.values(Deno.errors).some((kind) => error instanceof kind)) return null;
    // Anything else is reel's own mistake (rv10): told with the step's failure, not kept from it.
    const checking = thrownMessage(error);
    return new UnrecoverableError(`${own}; its files could not be checked: ${checking}`, { cause: error });
  }
  if (changed === null) return null;
  const message = changedReadMessage(changed, { id: task.id, failure: own });
  return new UnrecoverableError(message, { cause: failure });
}

/** Loads the kinds' code and readies each in turn; a failure is left for the kind's steps to report. */
async function warm(names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await (await kindNamed(name))?.warm?.();
    } catch {
      // The kind's first step loads and runs the same code, and fails with the step named.
    }
  }
}

/** The watch of a workflow's load, while this worker keeps one (see `load_watchdog.ts`). */
let loadWatch: LoadWatch | null = null;

// A listener, not `onmessage`, which a step may set (see `postToMain`).
self.addEventListener("message", (event: MessageEvent) => {
  const message = event.data;
  if (!isToWorker(message)) throw new TypeError("The step worker received a malformed message");
  if (message.type === "cancel") {
    // In the step's context: what its abort listeners let escape is its own (rv2: a cleanup's rejection crashed the
    // worker).
    runningStep.run(message.taskId, () => {
      controllers.get(message.taskId)?.abort(new DOMException("Cancelled", "AbortError"));
    });
  } else if (message.type === "lent") asks.get(message.loan)?.answer(message.granted);
  else if (message.type === "warm") void warm(message.kinds);
  else if (message.type === "watch-load") {
    loadWatch?.stop();
    loadWatch = watchLoad(message, () => send({ type: "alive?" }));
    send({ type: "watching" });
  } else if (message.type === "alive") loadWatch?.answered();
  else if (message.type === "load-done") {
    loadWatch?.stop();
    loadWatch = null;
  } else void run(message.taskId, message.task);
});

send({ type: "ready" });
