// Refusals: every error answer is RFC 9457 problem+json (the document's `Problem`), shown
// with its Chinese message and the fields at fault.
import type { components } from "./schema";
import { session } from "./session";

/** A problem+json answer (or a network failure) in the user's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messageZh: string,
    readonly field: string | null = null,
    readonly type: string | null = null,
    readonly errors: components["schemas"]["FieldError"][] = [],
  ) {
    super(messageZh);
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

/** Fired when the API answers 401 for a request made with a token: it has expired or was
 * revoked, so the app signs out and asks for a new one. */
export const UNAUTHORIZED_EVENT = "xuncha:unauthorized";

function isFieldError(value: unknown): value is components["schemas"]["FieldError"] {
  if (typeof value !== "object" || value === null) return false;
  const v: Record<string, unknown> = { ...value };
  return ["field", "code", "message_zh", "message_en"].every((k) => typeof v[k] === "string");
}

/** The ApiError for a refusal: the body is the API's Problem when it is problem+json, a
 * proxy's page (or nothing) otherwise, which falls back to the status. */
export async function toApiError(response: Response): Promise<ApiError> {
  if (response.status === 401 && session.token) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
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
  );
}

