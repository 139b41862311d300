// The API client: one typed client for all five services, its paths, parameters and answers
// generated from the committed OpenAPI document (docs/openapi/xuncha.json → ./schema.d.ts,
// `npm run gen:api`). Its middleware attaches the session's bearer token, an
// Idempotency-Key on every POST and the If-Match of the record last read, and turns every
// refusal (problem+json) into an ApiError with the Chinese message and the fields at fault.
// The dashboard never decides what a role may see: it asks, and shows the API's answer (a
// 403 or 404 included).
import createClient, { type Middleware } from "openapi-fetch";
import { ApiError, NETWORK_ERROR_ZH, toApiError } from "./errors";
import { session } from "./session";
import type { components, paths } from "./schema";

export type { components, paths };
/** The API's schemas by name: `Schemas["RoundRead"]`. */
export type Schemas = components["schemas"];

/** A list page as every list answers it (the generated `Page_…_` schemas). */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
  total?: number | null;
}

/** The query parameters of a GET path: `QueryOf<"/api/planning/rounds">`. */
export type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;

// The ETag of each record last read or written, sent back as If-Match when it is changed.
const etags = new Map<string, string>();
const ETAGS_KEPT = 500;

const middleware: Middleware = {
  onRequest({ request, options }) {
    if (session.token) request.headers.set("Authorization", `Bearer ${session.token}`);
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

/** The typed client: `client.GET("/api/planning/rounds", { params: { query: {…} } })`.
 * A refusal rejects with an ApiError; wrap the answer in `unwrap()` for its body. */
export const client = createClient<paths>({
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

/** The body of a successful answer (the middleware has turned any other into an ApiError). */
export function unwrap<T>(result: { data?: T; response: Response }): T {
  if (result.data === undefined) throw new ApiError(result.response.status, "服务器未返回内容");
  return result.data;
}

/** Every page of a list (for grids and selectors that need the whole set), up to `max`:
 * `allPages((page) => client.GET("/api/planning/orgs", { params: { query: { ...page } } }))`. */
export async function allPages<T>(
  get: (page: { limit: number; cursor?: string }) => Promise<{ data?: Page<T>; response: Response }>,
  max = 2000,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(await get({ limit: 500, cursor }));
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && items.length < max);
  return items;
}

