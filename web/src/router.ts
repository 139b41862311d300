import type { Component } from "vue";
import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { EXPIRED, destination, landing, mayOpen } from "./access";
import { ApiError, loadProfile, onSessionExpired, session, signOut, type Area } from "./api";
import { CALLBACK_PATH } from "./api/sso";
import AccountPage from "./pages/AccountPage.vue";
import AccountsPage from "./pages/AccountsPage.vue";
import CadresPage from "./pages/CadresPage.vue";
import ClassificationPage from "./pages/ClassificationPage.vue";
import ClueDetailPage from "./pages/ClueDetailPage.vue";
import CluesPage from "./pages/CluesPage.vue";
import ConsultationsPage from "./pages/ConsultationsPage.vue";
import CoveragePage from "./pages/CoveragePage.vue";
import FiguresPage from "./pages/FiguresPage.vue";
import InboxPage from "./pages/InboxPage.vue";
import InspectionPage from "./pages/InspectionPage.vue";
import LettersPage from "./pages/LettersPage.vue";
import LoginPage from "./pages/LoginPage.vue";
import OrgsPage from "./pages/OrgsPage.vue";
import PetitionsPage from "./pages/PetitionsPage.vue";
import ProblemsPage from "./pages/ProblemsPage.vue";
import PublicReportPage from "./pages/PublicReportPage.vue";
import AcceptancePage from "./pages/AcceptancePage.vue";
import PlanPage from "./pages/PlanPage.vue";
import RectificationPage from "./pages/RectificationPage.vue";
import SectorPage from "./pages/SectorPage.vue";
import VillagesPage from "./pages/VillagesPage.vue";
import ReportsPage from "./pages/ReportsPage.vue";
import RosterPage from "./pages/RosterPage.vue";
import RoundPosterPage from "./pages/RoundPosterPage.vue";
import RoundsPage from "./pages/RoundsPage.vue";
import SetPasswordPage from "./pages/SetPasswordPage.vue";
import SettingsPage from "./pages/SettingsPage.vue";
import SsoCallbackPage from "./pages/SsoCallbackPage.vue";

/** A page of one area, named after it (the navigation links by name). */
function area(name: Area, component: Component, title: string): RouteRecordRaw {
  return { path: `/${name}`, name, component, meta: { title, area: name } };
}

function home(): string {
  return session.me ? landing(router, session.me) : "/login";
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: "/", redirect: home },
    { path: "/login", component: LoginPage, meta: { title: "登录", public: true } },
    { path: "/set-password", component: SetPasswordPage, meta: { title: "设置密码", public: true } },
    { path: CALLBACK_PATH, component: SsoCallbackPage, meta: { title: "单点登录", public: true } },
    { path: "/account", component: AccountPage, meta: { title: "我的账号" } },
    area("coverage", CoveragePage, "覆盖情况"),
    area("rounds", RoundsPage, "巡察轮次"),
    area("orgs", OrgsPage, "被巡察对象"),
    area("roster", RosterPage, "领导班子名册"),
    area("cadres", CadresPage, "人才库"),
    area("classification", ClassificationPage, "村分类"),
    area("consultations", ConsultationsPage, "巡前函询"),
    area("figures", FiguresPage, "巡察成绩单"),
    area("inspection", InspectionPage, "巡察工作台"),
    area("petitions", PetitionsPage, "信访举报"),
    area("problems", ProblemsPage, "发现问题"),
    area("reports", ReportsPage, "巡察报告"),
    area("letters", LettersPage, "函件"),
    area("clues", CluesPage, "线索台账"),
    // A clue's page: its id only in the address (never its content).
    {
      path: "/clues/:clueId",
      component: ClueDetailPage,
      props: true,
      meta: { title: "线索详情", area: "clues" },
    },
    area("plan", PlanPage, "本单位整改"),
    area("villages", VillagesPage, "所辖村整改"),
    area("acceptance", AcceptancePage, "整改验收"),
    area("sector", SectorPage, "分管整改"),
    area("rectification", RectificationPage, "整改"),
    area("inbox", InboxPage, "消息"),
    area("accounts", AccountsPage, "账号管理"),
    area("settings", SettingsPage, "设置"),
    {
      path: "/rounds/:roundId/poster",
      component: RoundPosterPage,
      props: true,
      meta: { title: "巡察公告海报", area: "rounds" },
    },
    // The public's page: a round's announcement and 网上举报, without signing in.
    {
      path: "/public/rounds/:roundId",
      component: PublicReportPage,
      props: true,
      meta: { title: "网上举报", public: true, bare: true },
    },
    // The public's status lookup by receipt code, whatever the round.
    { path: "/public/status", component: PublicReportPage, meta: { title: "查询办理状态", public: true, bare: true } },
    { path: "/:rest(.*)*", redirect: home },
  ],
});

// The page being opened, so a session that ends meanwhile returns there after signing in.
let opening: string | null = null;

router.beforeEach(async (to) => {
  opening = to.fullPath;
  document.title = `${to.meta.title ?? ""} · 巡察工作平台`;
  if (to.meta.public) {
    return to.path === "/login" && session.me ? destination(router, to.query.next, session.me) : true;
  }
  if (!session.token) return { path: "/login", query: { next: to.fullPath } };
  let me = session.me;
  if (!me) {
    try {
      me = await loadProfile();
    } catch (error) {
      await signOut();
      // A token the API refuses is a session that has ended: say so, as the expiry listener
      // does (its redirect would otherwise be overtaken by this one).
      const expired = error instanceof ApiError && error.status === 401;
      return { path: "/login", query: { next: to.fullPath, ...(expired ? { [EXPIRED]: "1" } : {}) } };
    }
  }
  return mayOpen(to, me) ? true : landing(router, me);
});

router.afterEach(() => {
  opening = null;
});

onSessionExpired(() => {
  const next = opening ?? router.currentRoute.value.fullPath;
  if (router.resolve(next).meta.public) return;
  void router.replace({ path: "/login", query: { next, [EXPIRED]: "1" } });
});
