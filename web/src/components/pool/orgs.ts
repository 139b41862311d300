// The registry's orgs for the pool's pickers (工作单位, 家乡乡镇, 任职单位, 亲属所在单位):
// read once per page, every page of GET /api/planning/orgs.
import { ref, type Ref } from "vue";
import { allPages, client, type Schemas } from "../../api";

export type Org = Schemas["OrgRead"];

export interface Orgs {
  orgs: Ref<Org[]>;
  error: Ref<unknown>;
  load(): Promise<void>;
}

export function useOrgs(): Orgs {
  const orgs = ref<Org[]>([]);
  const error = ref<unknown>(null);
  async function load(): Promise<void> {
    error.value = null;
    try {
      orgs.value = await allPages((page) => client.GET("/api/planning/orgs", { params: { query: page } }));
    } catch (e) {
      error.value = e;
    }
  }
  return { orgs, error, load };
}
