// One setting of the office's, read and saved: what the first settings tabs (工作日历, 回避,
// 巡前函询, 问题类别, 线索办理期限, 整改规则) share. The service answers the setting in force
// with its `version` (null while the system default applies); the first save goes without
// If-Match, every later one with the version read, so a change made meanwhile by someone else
// is refused (412) and the form shows what changed, with the saved setting to reload from.
import { ref, type Ref } from "vue";
import { ApiError } from "../../api";
import { ifMatch, useForm, type Form } from "../../kit/form";

export interface Versioned {
  version: number | null;
}

/** If-Match for a setting once saved; nothing while the default applies (the first save). */
export function versionHeader(record: Versioned): { "If-Match"?: string } {
  return record.version === null ? {} : ifMatch({ version: record.version });
}

/** A number input's value as the API's number: a number input's v-model gives a number, or
 * the text when it is not one; an empty input is sent as null (JSON of NaN) and the API says
 * the field is required, in place. */
export function numberOf(value: number | string | null | undefined): number {
  if (typeof value === "number") return value;
  if (value === null || value === undefined || value.trim() === "") return Number.NaN;
  return Number(value);
}

export interface SettingOptions<R extends Versioned, V extends object> {
  /** Reads the setting in force. */
  read: () => Promise<R>;
  /** The fields the form has inputs for (the API's `field` names). */
  fields: readonly string[];
  /** The fields compared on a 412, with their labels (keys of `view`'s answer). */
  labels: Record<string, string>;
  /** What is compared on a 412: the setting as the form shows it. */
  view: (record: R) => V;
  /** Puts a setting read (or saved) into the form's inputs. */
  fill: (record: R) => void;
}

export interface Setting<R extends Versioned, V extends object> {
  record: Ref<R | null>;
  loading: Ref<boolean>;
  loadError: Ref<unknown>;
  notice: Ref<string>;
  form: Form<V>;
  load(): Promise<void>;
  /** Saves through `put` (given the setting read); the answer becomes the setting shown. */
  save(put: (record: R) => Promise<R>, done?: string): Promise<R | undefined>;
  /** After a 412: start again from the setting as it now is. */
  reload(): void;
}

export function useSetting<R extends Versioned, V extends object>(options: SettingOptions<R, V>): Setting<R, V> {
  const record = ref<R | null>(null) as Ref<R | null>;
  const loading = ref(false);
  const loadError = ref<unknown>(null);
  const notice = ref("");
  let latest: R | null = null;

  const form = useForm<V>({
    fields: options.fields,
    labels: options.labels,
    before: () => (record.value ? options.view(record.value) : null),
    reread: async () => {
      latest = await options.read();
      return options.view(latest);
    },
  });

  function show(r: R): void {
    record.value = r;
    options.fill(r);
  }

  async function load(): Promise<void> {
    loading.value = true;
    loadError.value = null;
    try {
      show(await options.read());
    } catch (e) {
      loadError.value = e;
    } finally {
      loading.value = false;
    }
  }

  async function save(put: (record: R) => Promise<R>, done = "已保存"): Promise<R | undefined> {
    const current = record.value;
    if (!current) return undefined;
    notice.value = "";
    const saved = await form.run(async () => {
      try {
        return await put(current);
      } catch (e) {
        // A first save while someone else set it meanwhile: the service asks for If-Match
        // (428); to the office this is the same story as a 412, told the same way.
        if (e instanceof ApiError && e.status === 428 && current.version === null) {
          throw new ApiError(412, "该设置已被他人保存，您的修改未保存", null, e.type);
        }
        throw e;
      }
    });
    if (saved) {
      show(saved);
      notice.value = done;
    }
    return saved;
  }

  function reload(): void {
    notice.value = "";
    if (latest) show(latest);
    else void load();
  }

  return { record, loading, loadError, notice, form, load, save, reload };
}
