// The signed-in user: the bearer token (kept in sessionStorage for this tab only) and what
// the dashboard reads from it.
import { reactive } from "vue";

const TOKEN_KEY = "xuncha.token";

/** What the dashboard reads from the signed-in user's token (not an API answer). */
export interface Claims {
  sub: string;
  roles: string[];
  jurisdiction: string;
  org?: string;
  name?: string;
  exp?: number;
}

function decodeClaims(token: string): Claims | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof claims !== "object" || claims === null) return null;
    const c: Record<string, unknown> = { ...claims };
    return {
      sub: String(c.sub ?? ""),
      roles: Array.isArray(c.roles) ? c.roles.map(String) : [],
      jurisdiction: String(c.jurisdiction ?? ""),
      org: typeof c.org === "string" ? c.org : undefined,
      name: typeof c.name === "string" ? c.name : undefined,
      exp: typeof c.exp === "number" ? c.exp : undefined,
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

export function authHeaders(): Record<string, string> {
  return session.token ? { Authorization: `Bearer ${session.token}` } : {};
}

