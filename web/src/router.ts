import { createRouter, createWebHistory } from "vue-router";
import { session } from "./api";
import CluesPage from "./pages/CluesPage.vue";
import CoveragePage from "./pages/CoveragePage.vue";
import FiguresPage from "./pages/FiguresPage.vue";
import InboxPage from "./pages/InboxPage.vue";
import LoginPage from "./pages/LoginPage.vue";
import OrgsPage from "./pages/OrgsPage.vue";
import ProblemsPage from "./pages/ProblemsPage.vue";
import RectificationPage from "./pages/RectificationPage.vue";
import RoundsPage from "./pages/RoundsPage.vue";

// The office and the leadership land on their figures (成绩单); every other role on coverage.
function landing(): string {
  const roles = session.claims?.roles ?? [];
  return roles.includes("office") || roles.includes("leadership") ? "/figures" : "/coverage";
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: "/", redirect: landing },
    { path: "/login", component: LoginPage, meta: { title: "登录" } },
    { path: "/coverage", component: CoveragePage, meta: { title: "覆盖情况" } },
    { path: "/rounds", component: RoundsPage, meta: { title: "巡察轮次" } },
    { path: "/orgs", component: OrgsPage, meta: { title: "被巡察对象" } },
    { path: "/figures", component: FiguresPage, meta: { title: "巡察成绩单" } },
    { path: "/problems", component: ProblemsPage, meta: { title: "发现问题" } },
    { path: "/clues", component: CluesPage, meta: { title: "线索台账" } },
    { path: "/rectification", component: RectificationPage, meta: { title: "整改" } },
    { path: "/inbox", component: InboxPage, meta: { title: "消息" } },
    { path: "/:rest(.*)*", redirect: "/coverage" },
  ],
});

router.beforeEach((to) => {
  if (to.path !== "/login" && !session.token) return { path: "/login", query: { next: to.fullPath } };
  document.title = `${String(to.meta.title ?? "")} · 巡察工作平台`;
  return true;
});
