/**
 * The fake server's plumbing: request bodies read as JSON or multipart, error answers in the API's shape, answers
 * cut off half-way.
 * @module
 */

export async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await request.formData();
    const file = form.get("file");
    const fields: Record<string, unknown> = Object.fromEntries(
      [...form.entries()].filter(([, v]) => typeof v === "string"),
    );
    if (file instanceof File) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      fields.file = file.name;
      fields.upload = bytes;
      fields.duration = bytes.length > 44 ? (bytes.length - 44) / 32_000 : 0;
    }
    fields["timestamp_granularities[]"] = form.getAll("timestamp_granularities[]").map(String);
    return fields;
  }
  const text = await request.text();
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch (error) {
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}

export function error(status: number, message: string): Response {
  return Response.json(
    { error: { message, type: status === 429 ? "rate_limit_exceeded" : "server_error" } },
    {
      status,
    },
  );
}

export function truncated(answer: Response): Response {
  const body = answer.body!;
  let sent = 0;
  const reader = body.getReader();
  const headers = new Headers(answer.headers);
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done || sent > 0) {
        controller.error(new Error("connection reset (injected)"));
        return;
      }
      const half = value.subarray(0, Math.max(1, Math.floor(value.length / 2)));
      sent += half.length;
      controller.enqueue(half);
    },
  });
  return new Response(stream, { status: answer.status, headers });
}
