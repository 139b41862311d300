// The API client: bearer token from the session, RFC 9457 problem+json errors turned into
// ApiError with the Chinese message and the field, downloads and uploads with progress.
// The dashboard never decides what a role may see: it asks, and shows the API's answer
// (a 403 or 404 included).
import { reactive } from "vue";

const TOKEN_KEY = "xuncha.token";

export interface Claims {
  sub: string;
  roles: string[];
  jurisdiction: string;
  org?: string;
  name?: string;
  exp?: number;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  total: number | null;
}

export type Query = Record<string, string | number | boolean | null | undefined | string[]>;

function decodeClaims(token: string): Claims | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Claims>;
    return {
      sub: String(claims.sub ?? ""),
      roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
      jurisdiction: String(claims.jurisdiction ?? ""),
      org: claims.org,
      name: claims.name,
      exp: claims.exp,
    };
  } catch {
    return null;
  }
}

export const session = reactive<{ token: string | null; claims: Claims | null }>({
  token: null,
  claims: null,
});

export function signIn(token: string): boolean {
  const trimmed = token.trim().replace(/^Bearer\s+/i, "");
  const claims = decodeClaims(trimmed);
  if (!claims) return false;
  session.token = trimmed;
  session.claims = claims;
  sessionStorage.setItem(TOKEN_KEY, trimmed);
  return true;
}

export function signOut(): void {
  session.token = null;
  session.claims = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

export function restoreSession(): void {
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved);
}

/** A problem+json answer (or a network failure) in the user's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messageZh: string,
    readonly field: string | null = null,
    readonly type: string | null = null,
    readonly errors: { field: string; message_zh: string }[] = [],
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

async function toError(response: Response): Promise<ApiError> {
  if (response.status === 401 && session.token) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): fall back to the status.
  }
  const message =
    typeof body.message_zh === "string"
      ? body.message_zh
      : (STATUS_ZH[response.status] ?? response.statusText);
  const errors = Array.isArray(body.errors)
    ? (body.errors as { field: string; message_zh: string }[])
    : [];
  return new ApiError(
    response.status,
    message,
    typeof body.field === "string" ? body.field : null,
    typeof body.type === "string" ? body.type : null,
    errors,
  );
}

export function buildUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function authHeaders(): Record<string, string> {
  return session.token ? { Authorization: `Bearer ${session.token}` } : {};
}

export async function api<T>(
  path: string,
  options: { query?: Query; method?: string; body?: unknown } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? "GET",
      headers: {
        Accept: "application/json",
        ...authHeaders(),
        ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
  } catch {
    throw new ApiError(0, "网络错误，请检查平台是否已启动");
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Every page of a list (for grids and selectors that need the whole set), up to `max`. */
export async function allPages<T>(path: string, query: Query = {}, max = 2000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await api<Page<T>>(path, {
      query: { ...query, limit: 500, cursor: cursor ?? undefined },
    });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** Download an export, reporting progress (0–100, or null while the size is unknown). */
export async function download(
  path: string,
  query: Query,
  fallbackName: string,
  onProgress: (percent: number | null, received: number) => void,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), { headers: authHeaders() });
  } catch {
    throw new ApiError(0, "网络错误，请检查平台是否已启动");
  }
  if (!response.ok) throw await toError(response);
  const size = Number(response.headers.get("Content-Length") ?? "0");
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress(size ? 0 : null, 0);
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(size ? Math.min(100, Math.round((received / size) * 100)) : null, received);
    }
  }
  onProgress(100, received);
  const name = filenameFrom(response.headers.get("Content-Disposition"), fallbackName);
  const blob = new Blob(chunks as BlobPart[], {
    type: response.headers.get("Content-Type") ?? "application/octet-stream",
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** Upload a file as multipart (`file`), reporting upload progress; the server's work after
 * the last byte is the remaining step to 100 %. */
export function upload<T>(
  path: string,
  file: File,
  onProgress: (percent: number, phase: "uploading" | "processing" | "done") => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    const headers = authHeaders();
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 90), "uploading");
    };
    xhr.upload.onload = () => onProgress(90, "processing");
    xhr.onerror = () => reject(new ApiError(0, "网络错误，请检查平台是否已启动"));
    xhr.onload = () => {
      const response = new Response(xhr.responseText || null, {
        status: xhr.status,
        headers: { "Content-Type": xhr.getResponseHeader("Content-Type") ?? "application/json" },
      });
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100, "done");
        resolve(JSON.parse(xhr.responseText) as T);
      } else {
        void toError(response).then(reject);
      }
    };
    const form = new FormData();
    form.append("file", file);
    onProgress(0, "uploading");
    xhr.send(form);
  });
}
