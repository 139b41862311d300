// Which pages the signed-in person is offered: the areas the accounts service names in /me.
// The API still decides every answer; this only keeps a person from landing on a page whose
// every call would be refused.
import type { RouteLocation, Router } from "vue-router";
import type { Area, Me } from "./api";

declare module "vue-router" {
  interface RouteMeta {
    title?: string;
    /** The /me area that opens this page; a page without one is open to everyone signed in. */
    area?: Area;
    /** Shown without signing in (the sign-in pages). */
    public?: boolean;
    /** Shown without the dashboard's header (the public's page). */
    bare?: boolean;
  }
}

/** The sign-in page's flag for a session that ended on its own. */
export const EXPIRED = "expired";

/** Whether `me` may open this (resolved) location: a page of the dashboard, in their areas. */
export function mayOpen(to: RouteLocation, me: Me): boolean {
  if (!to.matched.length || to.matched.some((r) => r.redirect) || to.meta.public) return false;
  return !to.meta.area || me.areas.includes(to.meta.area);
}

/** Where `me` lands: their home, else the first area with a page, else their account page. */
export function landing(router: Router, me: Me): string {
  const home = router.resolve(me.home);
  if (mayOpen(home, me)) return home.fullPath;
  const first = me.areas.find((area) => router.hasRoute(area));
  return first ? router.resolve({ name: first }).fullPath : "/account";
}

/** Where to go after signing in: `next` when it is a page `me` may open, else home. */
export function destination(router: Router, next: unknown, me: Me): string {
  if (typeof next === "string" && next.startsWith("/") && !next.startsWith("//")) {
    const to = router.resolve(next);
    if (mayOpen(to, me)) return to.fullPath;
  }
  return landing(router, me);
}
