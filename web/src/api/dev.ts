// 开发登录: the embedded run's /dev/config and /dev/token. These two routes belong to the
// embedded platform's index app (src/xuncha/embedded.py), not to a service, and no OpenAPI
// document describes them, so their answers are typed here by hand and checked at run time;
// the sign-in page offers 开发登录 only when /dev/config answers.
import { AREAS, me, type Me } from "./accounts";
import { ApiError, NETWORK_ERROR_ZH, toApiError } from "./errors";
import { adoptToken } from "./session";

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
async function devToken(request: {
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

function claimsOf(token: string): Record<string, unknown> {
  try {
    const base64 = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return record(JSON.parse(new TextDecoder().decode(bytes))) ?? {};
  } catch {
    return {};
  }
}

/** The profile a dev token carries, for a run whose accounts service has no account behind
 * it: every area is offered and the API refuses what the role may not see, as before. */
function profileOf(claims: Record<string, unknown>, labels: DevConfig["roles"]): Me {
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  const account = String(claims.sub ?? "");
  return {
    account,
    display_name: typeof claims.name === "string" && claims.name ? claims.name : account,
    roles,
    roles_zh: roles.map((r) => labels.find((l) => l.value === r)?.label ?? r),
    org_id: typeof claims.org === "string" ? claims.org : null,
    jurisdiction: String(claims.jurisdiction ?? ""),
    areas: [...AREAS],
    home: roles.includes("office") || roles.includes("leadership") ? "/figures" : "/coverage",
    totp_enabled: false,
    platform_admin: false,
    has_account: false,
  };
}

/** Sign in with a dev token: the profile from /me when the accounts service knows the
 * subject, else from the token itself. The token is not renewed; it lasts its own `exp`. */
export async function devSignIn(config: DevConfig, request: Parameters<typeof devToken>[0]): Promise<Me> {
  const token = await devToken(request);
  const claims = claimsOf(token);
  const bearer = (r: Request): Promise<Response> => {
    r.headers.set("Authorization", `Bearer ${token}`);
    return fetch(r);
  };
  const profile = await me(bearer).catch(() => profileOf(claims, config.roles));
  const exp = typeof claims.exp === "number" ? claims.exp : null;
  adoptToken(token, profile, exp === null ? null : Math.max(0, exp - Date.now() / 1000));
  return profile;
}
