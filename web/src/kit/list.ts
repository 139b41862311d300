// A list page's ledger: the filter bar's values, the API query they make (for the table and
// its XLSX export alike), and the page fetcher the table calls (20 rows from the cursor
// given). `reload()` reads the list again from page 1 after a change made below it (a record
// created, one changed in its detail); a change of the filters does so by itself.
import { computed, ref } from "vue";
import type { Page, Schemas } from "../api";
import type { FilterField } from "../components/FilterBar.vue";

export interface ListOptions<Q extends object, R> {
  /** The filters, all "" (全部) at first. */
  filters: Record<string, string>;
  /** The filters as the API's query parameters. */
  query: (filters: Record<string, string>) => Q;
  /** One page of the list for the query. */
  fetch: (query: Q & { limit: number; cursor: string | undefined }) => Promise<Page<R>>;
}

export function useFilteredList<Q extends object, R>(options: ListOptions<Q, R>) {
  const filters = ref<Record<string, string>>({ ...options.filters });
  const query = computed(() => options.query(filters.value));
  const reloads = ref(0);
  const reloadKey = computed(() => ({ ...query.value, n: reloads.value }));
  const fetchPage = (cursor: string | null): Promise<Page<R>> =>
    options.fetch({ ...query.value, limit: 20, cursor: cursor ?? undefined });
  function reload(): void {
    reloads.value += 1;
  }
  return { filters, query, reloadKey, fetchPage, reload };
}

/** The 轮次 filter, for a reader the rounds are listed to; none for one who reads none. */
export function roundFilter(rounds: readonly Schemas["RoundRead"][]): FilterField[] {
  return rounds.length
    ? [{ key: "round_id", label: "轮次", type: "select", options: rounds.map((r) => ({ value: r.id, label: r.name })) }]
    : [];
}
