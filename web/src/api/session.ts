// The signed-in person: the access token (in memory, and in sessionStorage so a reload keeps
// the tab signed in), the refresh token (sessionStorage only; never a cookie) and the /me
// profile. The access token is renewed shortly before it runs out, and once more when any
// call is answered 401; concurrent 401s wait for the same renewal, because each refresh
// spends its refresh token and a second refresh with the same one would be refused as a
// reuse. When renewal fails the session ends and the app is told, to ask for a new sign-in.
import { reactive } from "vue";
import * as accounts from "./accounts";
import type { Me, Tokens } from "./accounts";
import { ApiError } from "./errors";

const STORAGE_KEY = "xuncha.session";
/** Renew this long before the access token runs out (at most a fifth of its lifetime). */
const RENEW_AHEAD_MS = 60_000;
/** After a renewal the server could not answer, try again this much later. */
const RETRY_MS = 15_000;

export const session = reactive<{ token: string | null; me: Me | null }>({ token: null, me: null });

let refreshToken: string | null = null;
/** When the access token runs out and when to renew it (epoch ms), when known. */
let expiresAt: number | null = null;
let renewAt: number | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let renewing: Promise<boolean> | null = null;
// Bumped whenever a session starts or ends, so an answer for an older one is not adopted.
let generation = 0;

interface Saved {
  token: string;
  refreshToken: string | null;
  expiresAt: number | null;
  renewAt: number | null;
  me: Me | null;
}

function save(): void {
  if (!session.token) {
    sessionStorage.removeItem(STORAGE_KEY);
    return;
  }
  const saved: Saved = { token: session.token, refreshToken, expiresAt, renewAt, me: session.me };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
}

function schedule(): void {
  clearTimeout(timer);
  if (!refreshToken || renewAt === null) return;
  timer = setTimeout(() => void renewQuietly(), Math.max(0, renewAt - Date.now()));
}

function adopt(token: string, expiresIn: number | null, refresh: string | null): void {
  const now = Date.now();
  session.token = token;
  refreshToken = refresh;
  expiresAt = expiresIn === null ? null : now + expiresIn * 1000;
  renewAt = expiresIn === null ? null : now + expiresIn * 1000 - Math.min(RENEW_AHEAD_MS, expiresIn * 200);
  save();
  schedule();
}

function clear(): void {
  generation += 1;
  clearTimeout(timer);
  session.token = null;
  session.me = null;
  refreshToken = null;
  expiresAt = null;
  renewAt = null;
  save();
}

type Listener = () => void;
const expiredListeners = new Set<Listener>();

/** Called when the session ends without the person signing out (renewal refused). */
export function onSessionExpired(listener: Listener): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

function expire(): void {
  if (!session.token) return;
  clear();
  expiredListeners.forEach((l) => l());
}

async function renewOnce(): Promise<boolean> {
  const spent = refreshToken;
  const started = generation;
  if (!spent) {
    expire();
    return false;
  }
  let tokens: Tokens;
  try {
    tokens = await accounts.refresh(spent);
  } catch (error) {
    // Offline, throttled or the service restarting: the refresh token may still be good, so
    // keep the session and try again; only a refusal (401 refresh-invalid) ends it.
    const refused = error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
    if (!refused) {
      if (generation === started) {
        renewAt = Date.now() + RETRY_MS;
        schedule();
      }
      throw error;
    }
    if (generation === started) expire();
    return false;
  }
  if (generation !== started) {
    // Signed out while the refresh was under way: end the session it just extended.
    void accounts.signOut(tokens.refresh_token).catch(() => undefined);
    return false;
  }
  adopt(tokens.access_token, tokens.expires_in, tokens.refresh_token);
  return true;
}

/** Renew the access token; every caller meanwhile shares the one refresh. Answers whether
 * the session goes on (rejects with the ApiError when the server could not answer now). */
function renew(): Promise<boolean> {
  renewing ??= renewOnce().finally(() => {
    renewing = null;
  });
  return renewing;
}

function renewQuietly(): Promise<void> {
  return renew().then(
    () => undefined,
    () => undefined,
  );
}

function due(): boolean {
  return refreshToken !== null && renewAt !== null && Date.now() >= renewAt;
}

/** After a 401 for `used`: whether a newer token is there to retry with. */
async function recover(used: string): Promise<boolean> {
  if (session.token !== null && session.token !== used) return true;
  if (!session.token) return false;
  return renew();
}

function withToken(request: Request, token: string | null): Request {
  if (token) request.headers.set("Authorization", `Bearer ${token}`);
  return request;
}

/** fetch with the current access token: renewed first when it is about to run out, and
 * once more, with the call sent again, when the API answers 401. */
export async function authFetch(request: Request): Promise<Response> {
  if (due()) await renewQuietly();
  const used = session.token;
  const again = used ? request.clone() : null;
  const response = await fetch(withToken(request, used));
  if (response.status !== 401 || !used || !again) return response;
  if (!(await recover(used))) return response;
  const retried = await fetch(withToken(again, session.token));
  if (retried.status === 401) expire();
  return retried;
}

/** The bearer header for requests that cannot go through authFetch (uploads by XHR); call
 * `freshToken()` first so it does not run out on the way. */
export function authHeaders(): Record<string, string> {
  return session.token ? { Authorization: `Bearer ${session.token}` } : {};
}

export async function freshToken(): Promise<void> {
  if (due()) await renewQuietly();
}

/** After a 401 for a request sent outside authFetch: whether to send it again. */
export function recoverFrom401(used: string | null): Promise<boolean> {
  return used ? recover(used) : Promise.resolve(false);
}

/** Load (again) the signed-in person's profile. */
export async function loadProfile(): Promise<Me> {
  const started = generation;
  const me = await accounts.me(authFetch);
  if (generation !== started) throw new ApiError(401, "登录已过期，请重新登录");
  session.me = me;
  save();
  return me;
}

/** A new session with a sign-in's token pair, then /me. */
async function begin(tokens: Tokens): Promise<Me> {
  clear();
  adopt(tokens.access_token, tokens.expires_in, tokens.refresh_token);
  try {
    return await loadProfile();
  } catch (error) {
    await signOut();
    throw error;
  }
}

/** Sign in with account and password (and the 6-digit code when asked), then load /me. */
export async function signIn(credentials: { account: string; password: string; totp?: string }): Promise<Me> {
  return begin(await accounts.signIn(credentials));
}

/** Sign in with the identity platform's access token (single sign-on), then load /me: the
 * session is the platform's own, renewed and ended as after a password sign-in. */
export async function signInWithSso(providerToken: string): Promise<Me> {
  return begin(await accounts.exchangeSso(providerToken));
}

/** A session from a token that cannot be renewed (the development sign-in). */
export function adoptToken(token: string, me: Me, expiresIn: number | null): void {
  clear();
  adopt(token, expiresIn, null);
  session.me = me;
  save();
}

/** Sign out of this tab's session: the server forgets its refresh token. */
export async function signOut(): Promise<void> {
  const spent = refreshToken;
  clear();
  if (spent) await accounts.signOut(spent).catch(() => undefined);
}

/** Sign out on every device (rejects, and stays signed in, when the server did not do it). */
export async function signOutEverywhere(): Promise<void> {
  await accounts.signOutEverywhere(authFetch);
  clear();
}

function readSaved(): Saved | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    if (typeof value !== "object" || value === null) return null;
    const v: Record<string, unknown> = { ...value };
    if (typeof v.token !== "string") return null;
    const time = (t: unknown): number | null => (typeof t === "number" ? t : null);
    return {
      token: v.token,
      refreshToken: typeof v.refreshToken === "string" ? v.refreshToken : null,
      expiresAt: time(v.expiresAt),
      renewAt: time(v.renewAt),
      me: accounts.toMe(v.me),
    };
  } catch {
    return null;
  }
}

function renewIfDue(): void {
  if (document.visibilityState === "visible" && due()) void renewQuietly();
}

/** Pick up this tab's session after a reload (once, when the app starts). */
export function restoreSession(): void {
  // A timer in a hidden tab or a sleeping laptop fires late: renew as soon as it is back.
  document.addEventListener("visibilitychange", renewIfDue);
  const saved = readSaved();
  if (!saved) return;
  session.token = saved.token;
  session.me = saved.me;
  refreshToken = saved.refreshToken;
  expiresAt = saved.expiresAt;
  renewAt = saved.renewAt;
  if (!refreshToken && expiresAt !== null && Date.now() >= expiresAt) {
    clear();
    return;
  }
  schedule();
  // Roles may have changed since the profile was read.
  if (refreshToken && session.me) void loadProfile().catch(() => undefined);
}
