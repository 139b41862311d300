// 整改 (the office's side): the words of cards, their actions, ratings, the promotion check
// and the overdue list, and how a check's blocking tasks are said per org.
import type { Schemas } from "../../api";

export const ACTION_ZH: Record<string, string> = { supervision: "现场督导", interview: "约谈" };

/** What a card's follow-up is for, beside its name. */
export const ACTION_HINT_ZH: Record<string, string> = {
  supervision: "巡察机构到被巡察单位现场督导整改",
  interview: "约谈被巡察党组织主要负责人，书面说明整改滞后的原因和下一步措施",
};

export const OVERDUE_STATUS_ZH: Record<string, string> = { open: "整改中", claimed: "已申请销号待验收" };

/** A card's reasons, one per line (the API joins them with "；"). */
export function reasonsOf(reason: string): string[] {
  return reason
    .split("；")
    .map((r) => r.trim())
    .filter((r) => r !== "");
}

export interface OrgReason {
  orgId: string;
  orgName: string;
  text: string;
}

/** The promotion check's answer said per org: how many tasks are late and why. */
export function reasonsByOrg(tasks: Schemas["BlockingTask"][]): OrgReason[] {
  const byOrg = new Map<string, Schemas["BlockingTask"][]>();
  for (const t of tasks) byOrg.set(t.org_id, [...(byOrg.get(t.org_id) ?? []), t]);
  return [...byOrg.entries()].map(([orgId, items]) => {
    const open = items.filter((t) => t.status !== "claimed").length;
    const claimed = items.length - open;
    const worst = Math.max(...items.map((t) => t.days_overdue));
    const parts = [
      open ? `逾期未完成整改${open}项` : "",
      claimed ? `已申请销号但逾期尚未验收通过${claimed}项` : "",
    ].filter((p) => p !== "");
    const categories = [...new Set(items.map((t) => t.category_name))].join("、");
    return {
      orgId,
      orgName: items[0].org_name ?? orgId,
      text: `${parts.join("，")}（${categories}），最长已逾期${worst}天，暂停提拔、调动、晋级。`,
    };
  });
}

/** Today in Beijing, as YYYY-MM-DD. */
export function beijingToday(now: Date = new Date()): string {
  return now.toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
}

/** 典型案例通报: a circular's states and its cases' kinds of failure. */
export const CIRCULAR_STATUS_ZH: Record<Schemas["CircularStatus"], string> = { draft: "草稿", published: "已印发" };
export const CASE_KIND_ZH: Record<Schemas["TypicalCaseKind"], string> = {
  weak: "整改不力",
  perfunctory: "敷衍整改",
  fake: "虚假整改",
  refused: "拒不整改",
};

/** 追责问责: the forms a person is held accountable in, and who decided it. */
export const ACCOUNTABILITY_FORM_ZH: Record<Schemas["AccountabilityForm"], string> = {
  admonishment_talk: "诫勉谈话",
  criticism_education: "批评教育",
  ordered_examination: "责令检查",
  circulated_criticism: "通报批评",
  organizational_adjustment: "组织处理(调整职务)",
  organizational_removal: "组织处理(免职)",
  organizational_demotion: "组织处理(降职)",
  party_discipline: "党纪处分",
  government_sanction: "政务处分",
};
export const DECIDING_BODY_ZH: Record<Schemas["DecidingBody"], string> = {
  discipline: "纪委监委",
  organization: "组织部",
  party_committee: "党委(党组)",
};
