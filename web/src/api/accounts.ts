// The accounts service (/api/accounts) as the session uses it: sign-in (with a second factor
// set up on the way when the jurisdiction requires one), single sign-on's configuration and
// exchange, rotating refresh tokens, sign-out, the signed-in person's profile and first-time
// passwords. These calls carry no session of their own (the session is built on them): all
// go without a token but /me and sign-out-everywhere, which use the sender the caller gives
// (the session's fetch, or a dev token before it is adopted).
import type { components } from "./schema";
import { createTypedClient, unwrap, type Send } from "./typed";

type Schemas = components["schemas"];

/** The dashboard's areas (pages). The contract gives /me's `areas` as plain strings, so an
 * area this dashboard has no page for is dropped here. */
export const AREAS = [
  "coverage",
  "rounds",
  "orgs",
  "roster",
  "cadres",
  "classification",
  "consultations",
  "inspection",
  "petitions",
  "problems",
  "reports",
  "letters",
  "clues",
  "plan",
  "villages",
  "acceptance",
  "sector",
  "rectification",
  "figures",
  "inbox",
  "accounts",
  "settings",
] as const;
export type Area = (typeof AREAS)[number];

/** A sign-in's or a refresh's answer. */
export type Tokens = Schemas["TokenPair"];

/** GET /api/accounts/me: who is signed in and where the dashboard takes them. */
export type Me = Omit<Schemas["Me"], "areas"> & { areas: Area[] };

const accounts = createTypedClient((request) => fetch(request));

function isArea(value: unknown): value is Area {
  return (AREAS as readonly unknown[]).includes(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A profile as /me answers it, or null when the value is not one (a profile kept in
 * sessionStorage by an older build is read through this too). */
export function toMe(value: unknown): Me | null {
  if (typeof value !== "object" || value === null) return null;
  const b: Record<string, unknown> = { ...value };
  if (typeof b.account !== "string" || typeof b.home !== "string") return null;
  return {
    account: b.account,
    display_name: typeof b.display_name === "string" ? b.display_name : b.account,
    roles: strings(b.roles),
    roles_zh: strings(b.roles_zh),
    org_id: typeof b.org_id === "string" ? b.org_id : null,
    jurisdiction: typeof b.jurisdiction === "string" ? b.jurisdiction : "",
    areas: strings(b.areas).filter(isArea),
    home: b.home,
    totp_enabled: b.totp_enabled === true,
    platform_admin: b.platform_admin === true,
    has_account: b.has_account === true,
  };
}

/** Sign in with account and password (and the 6-digit code once the server asks for it). */
export async function signIn(credentials: Schemas["SignIn"]): Promise<Tokens> {
  return unwrap(await accounts.POST("/api/accounts/sign-in", { body: credentials }));
}

/** The authenticator's secret and otpauth link for a person whose jurisdiction requires a
 * second factor they have not set up yet; the first code of it signs them in and completes
 * the setup. Counted like a sign-in (a wrong password, lockout and throttling alike). */
export async function enrollTotp(credentials: Schemas["EnrollmentRequest"]): Promise<Schemas["TotpEnrollment"]> {
  return unwrap(await accounts.POST("/api/accounts/totp/enrollment", { body: credentials }));
}

/** Whether single sign-on through the identity platform is offered, and where. */
export async function ssoConfig(): Promise<Schemas["SsoConfig"]> {
  return unwrap(await accounts.GET("/api/accounts/sso/config"));
}

/** The platform's token pair for an access token the identity platform issued to the dashboard. */
export async function exchangeSso(token: string): Promise<Tokens> {
  return unwrap(await accounts.POST("/api/accounts/sso/exchange", { body: { token } }));
}

/** A new token pair for a refresh token; the one given is spent. */
export async function refresh(refreshToken: string): Promise<Tokens> {
  return unwrap(await accounts.POST("/api/accounts/refresh", { body: { refresh_token: refreshToken } }));
}

/** End the session of this refresh token (sent even while the page moves on). */
export async function signOut(refreshToken: string): Promise<void> {
  await accounts.POST("/api/accounts/sign-out", { body: { refresh_token: refreshToken }, keepalive: true });
}

/** End every session of the signed-in person, on every device. */
export async function signOutEverywhere(send: Send): Promise<void> {
  await accounts.POST("/api/accounts/sign-out-everywhere", { fetch: send });
}

export async function me(send: Send): Promise<Me> {
  const profile = unwrap(await accounts.GET("/api/accounts/me", { fetch: send }));
  return { ...profile, areas: profile.areas.filter(isArea) };
}

/** Set a password with the one-time setup code the office gave the person. */
export async function setPassword(request: Schemas["PasswordSetup"]): Promise<void> {
  await accounts.POST("/api/accounts/password", { body: request });
}
