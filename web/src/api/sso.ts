// 单点登录: signing in through the provincial identity platform with OpenID Connect's
// authorization code flow and PKCE (S256), by oidc-client-ts. The sign-in page sends the
// person there with the page they set out for; the platform sends them back to
// /sso/callback, where the code is traded for the provider's tokens, and the provider's
// access token for the platform's own token pair (POST /sso/exchange). From then on the
// session is the one a password sign-in makes. The provider's tokens serve that exchange
// only: they are held in memory, never renewed, and dropped at once; signing out ends the
// platform's session, not the provider's. The library is loaded only when it is used.
import type { UserManager } from "oidc-client-ts";
import { ssoConfig, type Me } from "./accounts";
import { ApiError } from "./errors";
import { signInWithSso } from "./session";

export const CALLBACK_PATH = "/sso/callback";

/** The identity platform, as the accounts service names it. */
export interface Provider {
  name: string;
  issuer: string;
  clientId: string;
  scope: string;
}

/** What waits in this tab while the person is at the provider. */
interface Trip {
  next: string | null;
}

/** Why a single sign-on did not complete, and the page the person had set out for. */
export class SignOnFailed extends Error {
  constructor(
    message: string,
    readonly next: string | null,
  ) {
    super(message);
  }
}

/** The identity platform when single sign-on is offered, else null. */
export async function ssoProvider(): Promise<Provider | null> {
  const config = await ssoConfig();
  if (!config.enabled || !config.issuer || !config.client_id) return null;
  return {
    name: config.display_name || "统一身份认证平台",
    issuer: config.issuer,
    clientId: config.client_id,
    scope: config.scope || "openid",
  };
}

type Oidc = typeof import("oidc-client-ts");

async function manager(provider: Provider): Promise<{ oidc: Oidc; users: UserManager }> {
  const oidc = await import("oidc-client-ts");
  const { InMemoryWebStorage, UserManager, WebStorageStateStore } = oidc;
  const users = new UserManager({
    authority: provider.issuer,
    client_id: provider.clientId,
    redirect_uri: `${location.origin}${CALLBACK_PATH}`,
    response_type: "code",
    scope: provider.scope,
    // The request's state (the PKCE verifier, the nonce, the page to return to) has to
    // outlive the page while the person is at the provider, in this tab only.
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    automaticSilentRenew: false,
    loadUserInfo: false,
  });
  return { oidc, users };
}

/** Send the person to the identity platform; `next` is the page to open once they are back. */
export async function startSignOn(provider: Provider, next: string | null): Promise<void> {
  const trip: Trip = { next };
  const { users } = await manager(provider);
  await users.signinRedirect({ state: trip });
}

function nextOf(state: unknown): string | null {
  if (typeof state !== "object" || state === null) return null;
  const trip: Record<string, unknown> = { ...state };
  return typeof trip.next === "string" ? trip.next : null;
}

const PROVIDER_ERRORS_ZH: Record<string, string> = {
  access_denied: "未同意或已取消登录",
  login_required: "需要在身份平台重新登录",
  interaction_required: "需要在身份平台完成操作",
  invalid_grant: "授权码无效或已过期",
  temporarily_unavailable: "身份平台暂不可用",
  server_error: "身份平台出错",
};

/** The provider's own refusal, or a round trip that cannot be completed here, in Chinese. */
function providerFailure(provider: Provider, oidc: Oidc, error: unknown): string {
  if (error instanceof oidc.ErrorResponse) {
    const reason = (error.error && PROVIDER_ERRORS_ZH[error.error]) || error.error_description || error.error;
    return `${provider.name}未完成登录：${reason ?? "未说明原因"}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  // Opened a second time, in another tab, or after too long: this tab holds no request.
  if (/no (matching )?state/i.test(message)) return "单点登录已失效，请重新登录";
  // PKCE needs the browser's crypto, which it offers only to HTTPS pages (and to this machine).
  if (/secure context/i.test(message)) return "单点登录须通过 HTTPS 访问工作台";
  return `${provider.name}登录未完成，请重试（${message}）`;
}

/** Complete the sign-in the provider sent the person back with (`url`: the callback's
 * address): the platform's session is started and the page to open answered. Rejects with
 * SignOnFailed, in Chinese: the provider's refusal, or the platform's (a disabled account,
 * a person the platform cannot place) as the API worded it. */
export async function completeSignOn(url: string): Promise<{ me: Me; next: string | null }> {
  let provider: Provider | null;
  try {
    provider = await ssoProvider();
  } catch (error) {
    throw new SignOnFailed(error instanceof ApiError ? error.messageZh : String(error), null);
  }
  if (!provider) throw new SignOnFailed("未配置单点登录", null);
  const { oidc, users } = await manager(provider);
  let token: string;
  let next: string | null;
  try {
    const user = await users.signinRedirectCallback(url);
    token = user.access_token;
    next = nextOf(user.state);
  } catch (error) {
    const state = error instanceof oidc.ErrorResponse ? error.state : null;
    throw new SignOnFailed(providerFailure(provider, oidc, error), nextOf(state));
  } finally {
    await users.removeUser();
  }
  try {
    return { me: await signInWithSso(token), next };
  } catch (error) {
    throw new SignOnFailed(error instanceof ApiError ? error.messageZh : String(error), next);
  }
}

let failure: string | null = null;

/** Keep a failed sign-on's message for the sign-in page the person is sent back to. */
export function reportSignOnFailure(message: string): void {
  failure = message;
}

/** The message of the last failed sign-on, once. */
export function takeSignOnFailure(): string | null {
  const message = failure;
  failure = null;
  return message;
}
