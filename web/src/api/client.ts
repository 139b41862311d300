// The API client: one typed client for all the services (./typed.ts), sending through the
// session's fetch, which attaches the current access token and renews it on a 401 (sending
// the call again, with the same Idempotency-Key).
// The dashboard never decides what a role may see: it asks (the accounts service's /me names
// the areas to offer), and shows the API's answer (a 403 or 404 included).
import { authFetch } from "./session";
import type { components, paths } from "./schema";
import { createTypedClient, unwrap } from "./typed";

export type { components, paths };
export { unwrap };
/** The API's schemas by name: `Schemas["RoundRead"]`. */
export type Schemas = components["schemas"];

/** A list page as every list answers it (the generated `Page_…_` schemas). */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
  total?: number | null;
  /** False when more rows match than the list counts: `total` is then its cap, a lower bound. */
  total_exact?: boolean;
}

/** The query parameters of a GET path: `QueryOf<"/api/planning/rounds">`. */
export type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;

/** The typed client: `client.GET("/api/planning/rounds", { params: { query: {…} } })`.
 * A refusal rejects with an ApiError; wrap the answer in `unwrap()` for its body. */
export const client = createTypedClient(authFetch);

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
