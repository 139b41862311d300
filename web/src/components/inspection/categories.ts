// The jurisdiction's problem list (问题清单) for one kind of org, read once per kind.
import { client, unwrap, type Schemas } from "../../api";
import type { Category } from "./labels";

const cache = new Map<string, Promise<Category[]>>();

export function categoriesFor(kind: Schemas["OrgKind"]): Promise<Category[]> {
  let found = cache.get(kind);
  if (!found) {
    found = client
      .GET("/api/findings/categories", { params: { query: { org_kind: kind } } })
      .then(unwrap)
      .catch((e: unknown) => {
        cache.delete(kind);
        throw e;
      });
    cache.set(kind, found);
  }
  return found;
}
