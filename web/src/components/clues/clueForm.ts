// The clue's forms share one shape: the clue as read (its version is the If-Match), the
// API's faults by field, and a 412 explained against the clue as it now is.
import type { Ref } from "vue";
import { client, unwrap, type Schemas } from "../../api";
import { useForm, type Form } from "../../kit/form";
import { CLUE_CHANGE_LABELS } from "./labels";

export type Clue = Schemas["ClueDetail"];

export function readClue(id: string): Promise<Clue> {
  return client.GET("/api/clues/clues/{clue_id}", { params: { path: { clue_id: id } } }).then(unwrap);
}

export function useClueForm(clue: Ref<Clue>, fields: readonly string[]): Form<Clue> {
  return useForm<Clue>({
    fields,
    labels: CLUE_CHANGE_LABELS,
    before: () => clue.value,
    reread: () => readClue(clue.value.id),
  });
}
