import { createApp } from "vue";
import App from "./App.vue";
import { restoreSession } from "./api";
import { router } from "./router";
import "./style.css";

restoreSession();
createApp(App).use(router).mount("#app");
