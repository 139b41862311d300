// The lower half of a list page: one panel at a time (a form, or the row opened), scrolled
// into view when opened so that a click in a long list shows its result. The page marks the
// panel's element with `ref="panelRef"`.
import { nextTick, ref, useTemplateRef, type Ref } from "vue";

export function usePanel<P>() {
  const panel = ref(null) as Ref<P | null>;
  const element = useTemplateRef<HTMLElement>("panelRef");
  async function openPanel(p: P | null): Promise<void> {
    panel.value = p;
    await nextTick();
    element.value?.scrollIntoView({ block: "start", behavior: "smooth" });
  }
  return { panel, openPanel };
}
