// 开发登录: the embedded run's /dev/config and /dev/token. These two routes belong to the
// embedded platform's index app (src/xuncha/embedded.py), not to a service, and no OpenAPI
// document describes them yet, so they are the only answers typed here by hand: checked at
// run time, and the page falls back to token sign-in when they are absent or unexpected.
import { ApiError, NETWORK_ERROR_ZH, toApiError } from "./errors";

export interface DevConfig {
  enabled: boolean;
  jurisdiction: string;
  roles: { value: string; label: string }[];
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : null;
}

async function call(path: string, init: RequestInit): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, NETWORK_ERROR_ZH);
  }
  if (!response.ok) throw await toApiError(response);
  const body = record(await response.json());
  if (!body) throw new ApiError(response.status, "服务器返回的内容无法识别");
  return body;
}

/** The dev sign-in's roles and default jurisdiction (a refusal or 404 when not offered). */
export async function devConfig(): Promise<DevConfig> {
  const body = await call("/dev/config", { headers: { Accept: "application/json" } });
  const roles = Array.isArray(body.roles) ? body.roles.map(record) : [];
  return {
    enabled: body.enabled === true,
    jurisdiction: typeof body.jurisdiction === "string" ? body.jurisdiction : "",
    roles: roles.flatMap((r) =>
      r && typeof r.value === "string" ? [{ value: r.value, label: String(r.label ?? r.value) }] : [],
    ),
  };
}

/** A dev token for a role and jurisdiction (the dev signing key; never in a deployment). */
export async function devToken(request: {
  role: string;
  jurisdiction: string;
  org_id: string | null;
  name: string | null;
  subject: string | null;
}): Promise<string> {
  const body = await call("/dev/token", {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(request),
  });
  if (typeof body.token !== "string") throw new ApiError(200, "服务器未签发令牌");
  return body.token;
}
