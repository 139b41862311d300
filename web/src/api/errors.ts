// Refusals: every error answer is RFC 9457 problem+json (the document's `Problem`), shown
// with its Chinese message and the fields at fault.
import type { components } from "./schema";

export type FieldError = components["schemas"]["FieldError"];

/** A problem+json answer (or a network failure) in the user's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messageZh: string,
    readonly field: string | null = null,
    readonly type: string | null = null,
    readonly errors: FieldError[] = [],
    /** Seconds to wait before trying again (the answer's Retry-After), when it gave one. */
    readonly retryAfter: number | null = null,
    /** The whole problem body, with the members a type adds (a 409's `allowed` moves). */
    readonly body: Readonly<Record<string, unknown>> = {},
  ) {
    super(messageZh);
  }

  /** Whether the problem's `type` is the named one: `error.is("totp-required")`. */
  is(name: string): boolean {
    return this.type !== null && this.type.endsWith(`/${name}`);
  }

  /** The message for each field at fault (the problem's `field` and its `errors`), so a
   * form can show each under its own input. */
  get fieldMessages(): Record<string, string> {
    const messages: Record<string, string> = {};
    for (const e of this.errors) messages[e.field] ??= e.message_zh;
    if (this.field) messages[this.field] ??= this.messageZh;
    return messages;
  }

  /** What a form that shows `fields` under their inputs still says above them: null when
   * every fault is shown in place, else the message and the faults it has no input for. */
  summaryBeside(fields: readonly string[]): string | null {
    const faults = Object.entries(this.fieldMessages);
    const elsewhere = faults.filter(([field]) => !fields.includes(field));
    if (faults.length && !elsewhere.length) return null;
    return [this.messageZh, ...elsewhere.map(([field, message]) => `${field}：${message}`)].join("；");
  }

  get headline(): string {
    if (this.status === 401) return "未登录或登录已过期（401）";
    if (this.status === 403) return "无权查看（403）";
    if (this.status === 404) return "未找到或不在您的管辖范围（404）";
    if (this.status === 409) return "操作冲突（409）";
    if (this.status === 422) return "输入有误（422）";
    if (this.status === 0) return "无法连接服务器";
    return `请求失败（${this.status}）`;
  }
}

export const NETWORK_ERROR_ZH = "网络错误，请检查平台是否已启动";

const STATUS_ZH: Record<number, string> = {
  401: "请先登录",
  403: "您的角色无权访问此内容",
  404: "没有找到",
  500: "服务器内部错误",
  502: "服务暂不可用",
  503: "服务暂不可用",
};

function isFieldError(value: unknown): value is FieldError {
  if (typeof value !== "object" || value === null) return false;
  const v: Record<string, unknown> = { ...value };
  return ["field", "code", "message_zh", "message_en"].every((k) => typeof v[k] === "string");
}

/** The ApiError for a refusal: the body is the API's Problem when it is problem+json, a
 * proxy's page (or nothing) otherwise, which falls back to the status. */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === "object" && parsed !== null) body = { ...parsed };
  } catch {
    // Not JSON (a proxy's error page): fall back to the status.
  }
  return new ApiError(
    response.status,
    typeof body.message_zh === "string" ? body.message_zh : (STATUS_ZH[response.status] ?? response.statusText),
    typeof body.field === "string" ? body.field : null,
    typeof body.type === "string" ? body.type : null,
    Array.isArray(body.errors) ? body.errors.filter(isFieldError) : [],
    retryAfterSeconds(response.headers.get("Retry-After")),
    body,
  );
}

/** Retry-After as seconds from now: it is either a number of seconds or an HTTP date. */
function retryAfterSeconds(header: string | null): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
