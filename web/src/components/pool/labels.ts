// Chinese names of the talent pool's and the avoidance rules' codes (planning.pool.domain
// SPECIALTY_LABELS_ZH and planning.pool.avoidance RULE_LABELS_ZH), keyed by the API's enums.
import type { Schemas } from "../../api";
import { labelOf } from "../../labels";

export const SPECIALTY_ZH: Record<Schemas["Specialty"], string> = {
  discipline: "纪检监察",
  finance_audit: "财务审计",
  agriculture: "农业农村",
  organization: "组织人事",
  law: "法律",
  publicity: "宣传思想",
  engineering: "工程建设",
  petition: "信访",
  social_affairs: "民政社保",
};

export const RULE_ZH: Record<Schemas["Rule"], string> = {
  current_unit: "本单位回避",
  former_unit: "原单位回避",
  home_township: "家乡回避",
  relative: "亲属回避",
};

export const OUTCOME_ZH: Record<string, string> = { pass: "无需回避", violation: "应当回避" };

export function specialtiesZh(values: readonly string[]): string {
  return values.map((s) => labelOf(SPECIALTY_ZH, s) ?? s).join("、");
}
