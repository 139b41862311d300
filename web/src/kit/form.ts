// One way for every form to talk to the API: a draft's Idempotency-Key (a double click or a
// retried create makes one record), the API's faults by field (shown under each input), the
// rest as a summary above, and a 412 (someone else changed the record) turned into what
// changed, with the record as it now is to reload from.
import { computed, ref, type Ref } from "vue";
import { ApiError } from "../api";

/** A field that changed under the user: its label, the value they edited and the one saved. */
export interface Change {
  field: string;
  label: string;
  mine: string;
  theirs: string;
}

/** A 412's explanation: the record as it now is, and the fields that differ from what the
 * form was opened with. */
export interface Conflict<R extends object> {
  latest: R;
  changes: Change[];
}

export interface FormOptions<R extends object> {
  /** The fields the form shows an input for (the API's `field` names). */
  fields: readonly string[];
  /** The fields compared on a 412, with their labels. */
  labels?: Record<string, string>;
  /** The record the form was opened with (for an edit). */
  before?: () => R | null | undefined;
  /** The record as it now is (read again on a 412). */
  reread?: () => Promise<R>;
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === "") return "（空）";
  if (Array.isArray(value)) return value.map(shown).join("、");
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "是" : "否";
  return String(value);
}

/** The labelled fields whose values differ between two versions of a record. */
export function changesBetween<R extends object>(mine: R, theirs: R, labels: Record<string, string>): Change[] {
  const a = new Map<string, unknown>(Object.entries(mine));
  const b = new Map<string, unknown>(Object.entries(theirs));
  return Object.entries(labels).flatMap(([field, label]) =>
    JSON.stringify(a.get(field) ?? null) === JSON.stringify(b.get(field) ?? null)
      ? []
      : [{ field, label, mine: shown(a.get(field)), theirs: shown(b.get(field)) }],
  );
}

export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, e instanceof Error ? e.message : String(e));
}

export interface Form<R extends object> {
  pending: Ref<boolean>;
  error: Ref<ApiError | null>;
  /** The API's message for each field at fault. */
  faults: Ref<Record<string, string>>;
  /** What is said above the inputs: the message and any fault without an input. */
  summary: Ref<string | null>;
  conflict: Ref<Conflict<R> | null>;
  /** The Idempotency-Key of the draft being filled in (renewed after each create). */
  draftKey: Ref<string>;
  /** Runs `action` once at a time, keeping its refusal; answers its result, or undefined.
   * With `creates`, a success starts a new draft (the next create gets its own key). */
  run<T>(action: () => Promise<T>, options?: { creates?: boolean }): Promise<T | undefined>;
  /** Starts a new draft (after a create, or when the form is cleared). */
  renew(): void;
  reset(): void;
}

export function useForm<R extends object = object>(options: FormOptions<R>): Form<R> {
  const pending = ref(false);
  const error = ref<ApiError | null>(null) as Ref<ApiError | null>;
  const conflict = ref<Conflict<R> | null>(null) as Ref<Conflict<R> | null>;
  const draftKey = ref(crypto.randomUUID());
  const faults = computed(() => error.value?.fieldMessages ?? {});
  const summary = computed(() => error.value?.summaryBeside(options.fields) ?? null);
  const renew = (): void => {
    draftKey.value = crypto.randomUUID();
  };

  async function explain412(): Promise<void> {
    const before = options.before?.();
    if (!options.reread || !before) return;
    try {
      const latest = await options.reread();
      conflict.value = { latest, changes: changesBetween(before, latest, options.labels ?? {}) };
    } catch {
      // The record can no longer be read (removed, or out of reach): the 412 says enough.
    }
  }

  async function run<T>(action: () => Promise<T>, options: { creates?: boolean } = {}): Promise<T | undefined> {
    if (pending.value) return undefined;
    pending.value = true;
    error.value = null;
    conflict.value = null;
    try {
      const done = await action();
      if (options.creates) renew();
      return done;
    } catch (e) {
      error.value = asApiError(e);
      if (error.value.status === 412) await explain412();
      return undefined;
    } finally {
      pending.value = false;
    }
  }

  function reset(): void {
    error.value = null;
    conflict.value = null;
  }

  return {
    pending,
    error,
    faults,
    summary,
    conflict,
    draftKey,
    run,
    renew,
    reset,
  };
}

/** The If-Match header for a record read with its `version` (the services' strong ETag). */
export function ifMatch(record: { version: number }): { "If-Match": string } {
  return { "If-Match": `"${record.version}"` };
}

/** A record's form: an edit sends only what changed (nothing to send, nothing sent) with the
 * record's version as If-Match; a create carries the draft's Idempotency-Key. */
export interface RecordFormOptions<R extends { id: string; version: number }, D, C, U extends object> extends Omit<
  FormOptions<R>,
  "before" | "reread"
> {
  /** The record the form opens with (none: a create). */
  record: R | null | undefined;
  draftOf: (record: R | null | undefined) => D;
  createBody: (draft: D) => C;
  /** What the draft changes of the record (an empty object: nothing). */
  updateBody: (draft: D, before: R) => U;
  read: (id: string) => Promise<R>;
  create: (body: C, header: { "Idempotency-Key": string }) => Promise<R>;
  update: (id: string, body: U, header: { "If-Match": string }) => Promise<R>;
}

export interface RecordForm<R extends object, D> {
  form: Form<R>;
  /** The record being edited; null while creating. */
  opened: Ref<R | null>;
  draft: Ref<D>;
  /** Saves the draft; answers the saved record and whether it was created, or undefined on a
   * refusal. After a create the form starts a new draft; after an edit it holds the saved record. */
  submit(): Promise<{ saved: R; created: boolean } | undefined>;
  /** Opens the form on a record as it now is (a 412's reload, or another record chosen). */
  open(record: R | null | undefined): void;
}

export function useRecordForm<R extends { id: string; version: number }, D, C, U extends object>(
  options: RecordFormOptions<R, D, C, U>,
): RecordForm<R, D> {
  const opened = ref(options.record ?? null) as Ref<R | null>;
  const draft = ref(options.draftOf(opened.value)) as Ref<D>;
  const form = useForm<R>({
    fields: options.fields,
    labels: options.labels,
    before: () => opened.value,
    reread: () => options.read(opened.value?.id ?? ""),
  });

  async function save(): Promise<R> {
    const before = opened.value;
    if (before) {
      const body = options.updateBody(draft.value, before);
      if (!Object.keys(body).length) return before;
      return options.update(before.id, body, ifMatch(before));
    }
    return options.create(options.createBody(draft.value), { "Idempotency-Key": form.draftKey.value });
  }

  function open(record: R | null | undefined): void {
    opened.value = record ?? null;
    draft.value = options.draftOf(record);
  }

  async function submit(): Promise<{ saved: R; created: boolean } | undefined> {
    const created = !opened.value;
    const saved = await form.run(save, { creates: created });
    if (!saved) return undefined;
    open(created ? null : saved);
    return { saved, created };
  }

  return { form, opened, draft, submit, open };
}
