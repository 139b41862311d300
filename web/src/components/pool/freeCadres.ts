// The pool members a group may still take this round: available and in no group of the
// round, from the group's pool (the committee's own, or a county's for a cross group).
import { ref, type Ref } from "vue";
import { allPages, client, type Schemas } from "../../api";

export type Cadre = Schemas["CadreRead"];

export function useFreeCadres(): {
  cadres: Ref<Cadre[]>;
  error: Ref<unknown>;
  load(roundId: string, jurisdiction?: string | null): Promise<void>;
} {
  const cadres = ref<Cadre[]>([]);
  const error = ref<unknown>(null);
  let ticket = 0;
  async function load(roundId: string, jurisdiction?: string | null): Promise<void> {
    const mine = ++ticket;
    error.value = null;
    try {
      const found = await allPages((page) =>
        client.GET("/api/planning/cadres", {
          params: {
            query: { ...page, free_in_round: roundId, available: true, jurisdiction: jurisdiction || undefined },
          },
        }),
      );
      if (mine === ticket) cadres.value = found;
    } catch (e) {
      if (mine === ticket) error.value = e;
    }
  }
  return { cadres, error, load };
}
