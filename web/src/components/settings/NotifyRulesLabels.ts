// Chinese names of the notify service's rule codes (notify.rules.spec and schemas).
import type { Schemas } from "../../api";
import { ROLE_ZH, labelOf } from "../../labels";

export const CHANNEL_ZH: Record<Schemas["Channel"], string> = {
  inbox: "站内消息",
  webhook: "部门系统 Webhook",
  email: "电子邮件",
};

export const SOURCE_ZH: Record<Schemas["RuleSource"], string> = {
  default: "系统默认",
  override: "已修改的默认规则",
  custom: "本辖区新增",
};

export const AUDIENCE_KIND_ZH: Record<Schemas["AudienceKind"], string> = {
  role: "角色",
  org: "事件中的单位",
  account: "事件中的个人",
};

/** One audience as a person reads it: 角色 巡察办, 单位（org_id）, 个人（keeper_account）. */
export function audienceZh(a: Schemas["Audience-Output"]): string {
  if (a.kind === "role") return `角色：${a.role ? (labelOf(ROLE_ZH, a.role) ?? a.role) : ""}`;
  return `${AUDIENCE_KIND_ZH[a.kind]}（${a.field ?? ""}）`;
}
