// 所辖村整改's names, its deadline arithmetic and the figures of a township's villages, keyed
// by the rectification API's enums.
import type { Schemas } from "../../api";

export type Plan = Schemas["PlanRead"];
export type Task = Schemas["TaskRead"];
export type Entry = Schemas["ProgressRead"];
export type Org = Schemas["ProjectedOrgWithLeader"];

export const PLAN_STATUS_ZH: Record<Schemas["PlanStatus"], string> = {
  awaiting_feedback: "待反馈",
  drafting: "整改方案填报中",
  submitted: "整改方案已报送",
};

export const ENTRY_KIND_ZH: Record<Schemas["EntryKind"], string> = {
  progress: "整改进展",
  claim: "申请销号",
  accept: "验收通过",
  reject: "验收退回",
  remind: "催办",
};

/** The kinds of org a township answers for directly. */
export const UNDER_TOWNSHIP: readonly Schemas["OrgKind"][] = ["village", "community"];

/** Today in the county's zone (Asia/Shanghai), as the API writes its dates. */
export function countyToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
}

/** A moment's day in the county's zone (Asia/Shanghai): 2026-11-02. */
export function countyDay(moment: string | null | undefined): string {
  if (!moment) return "";
  const d = new Date(moment);
  if (Number.isNaN(d.getTime())) return moment;
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(d);
}

/** Days from today to a deadline (negative once it has passed); null without one. */
export function daysLeft(due: string | null | undefined): number | null {
  if (!due) return null;
  const day = (s: string): number => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
  return Math.round((day(due) - day(countyToday())) / 86_400_000);
}

/** What is left of a deadline: 「还剩 3 天」「今天到期」「已逾期 2 天」. */
export function leftZh(due: string | null | undefined): string {
  const left = daysLeft(due);
  if (left === null) return "未定时限";
  if (left > 0) return `还剩 ${left} 天`;
  if (left === 0) return "今天到期";
  return `已逾期 ${-left} 天`;
}

/** Within a week of its deadline and still open: worth a reminder before it is late. */
export const DUE_SOON_DAYS = 7;
export function dueSoon(t: Task): boolean {
  const left = daysLeft(t.due_on);
  return t.status === "open" && !t.overdue && left !== null && left <= DUE_SOON_DAYS;
}

/** The soonest deadline first, a task without one last. */
export function byDeadline(a: Task, b: Task): number {
  const da = a.due_on ?? "9999-12-31";
  const db = b.due_on ?? "9999-12-31";
  if (da !== db) return da < db ? -1 : 1;
  return (a.org_name ?? "").localeCompare(b.org_name ?? "", "zh");
}

/** One village (or community) of the township: its plans and what their tasks show. */
export interface VillageRow {
  org: Org;
  plans: Plan[];
  tasks: Task[];
  open: number;
  claimed: number;
  accepted: number;
  overdue: number;
  /** Accepted / all tasks, null without tasks. */
  rate: number | null;
}

export function villageRows(orgs: readonly Org[], plans: readonly Plan[], tasks: readonly Task[]): VillageRow[] {
  return orgs.map((org) => {
    const mine = tasks.filter((t) => t.org_id === org.id);
    const count = (s: Task["status"]): number => mine.filter((t) => t.status === s).length;
    const accepted = count("accepted");
    return {
      org,
      plans: plans.filter((p) => p.org_id === org.id),
      tasks: mine,
      open: count("open"),
      claimed: count("claimed"),
      accepted,
      overdue: mine.filter((t) => t.overdue).length,
      rate: mine.length ? accepted / mine.length : null,
    };
  });
}

export const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? "—" : `${Math.round(rate * 100)}%`;
