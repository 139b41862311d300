import { createRouter, createWebHistory } from "vue-router";
import { session } from "./api";
import CoveragePage from "./pages/CoveragePage.vue";
import LoginPage from "./pages/LoginPage.vue";
import OrgsPage from "./pages/OrgsPage.vue";
import RoundsPage from "./pages/RoundsPage.vue";

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: "/", redirect: "/coverage" },
    { path: "/login", component: LoginPage, meta: { title: "登录" } },
    { path: "/coverage", component: CoveragePage, meta: { title: "覆盖情况" } },
    { path: "/rounds", component: RoundsPage, meta: { title: "巡察轮次" } },
    { path: "/orgs", component: OrgsPage, meta: { title: "被巡察对象" } },
    { path: "/:rest(.*)*", redirect: "/coverage" },
  ],
});

router.beforeEach((to) => {
  if (to.path !== "/login" && !session.token) return { path: "/login", query: { next: to.fullPath } };
  document.title = `${String(to.meta.title ?? "")} · 巡察工作平台`;
  return true;
});
