// The typed client's making, apart from the session so that the accounts calls (which carry
// no session of their own) can use it too: paths, parameters and answers generated from the
// committed OpenAPI document (docs/openapi/xuncha.json → ./schema.d.ts, `npm run gen:api`).
// Its middleware adds an Idempotency-Key on every POST that has none and the If-Match of the
// record last read, and turns every refusal (problem+json) into an ApiError with the Chinese
// message and the fields at fault.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { ApiError, NETWORK_ERROR_ZH, toApiError } from "./errors";
import type { paths } from "./schema";

/** How a request is sent: `fetch`, or the session's fetch that adds the bearer token. */
export type Send = (request: Request) => Promise<Response>;

// The ETag of each record last read or written, sent back as If-Match when it is changed.
const etags = new Map<string, string>();
const ETAGS_KEPT = 500;

const middleware: Middleware = {
  onRequest({ request, options }) {
    if (options.parseAs === "json" && !request.headers.has("Accept")) {
      request.headers.set("Accept", "application/json");
    }
    // A retried create happens once.
    if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
      request.headers.set("Idempotency-Key", crypto.randomUUID());
    }
    const etag = etags.get(new URL(request.url).pathname);
    if (["PUT", "PATCH", "DELETE"].includes(request.method) && etag && !request.headers.has("If-Match")) {
      request.headers.set("If-Match", etag);
    }
    return request;
  },
  async onResponse({ request, response }) {
    if (!response.ok) throw await toApiError(response);
    const etag = response.headers.get("ETag");
    if (etag) {
      const path = new URL(request.url).pathname;
      etags.delete(path);
      etags.set(path, etag);
      if (etags.size > ETAGS_KEPT) etags.delete(etags.keys().next().value ?? "");
    }
    return response;
  },
  onError({ error }) {
    return error instanceof ApiError ? error : new ApiError(0, NETWORK_ERROR_ZH);
  },
};

/** A typed client that sends through `send`; a refusal rejects with an ApiError. */
export function createTypedClient(send: Send): Client<paths> {
  const client = createClient<paths>({
    fetch: send,
    // Like the API's own forms: an empty filter is no filter.
    querySerializer: (query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value === null || value === undefined || value === "") continue;
        if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
        else params.append(key, String(value));
      }
      return params.toString();
    },
  });
  client.use(middleware);
  return client;
}

/** The body of a successful answer (the middleware has turned any other into an ApiError). */
export function unwrap<T>(result: { data?: T; response: Response }): T {
  if (result.data === undefined) throw new ApiError(result.response.status, "服务器未返回内容");
  return result.data;
}
