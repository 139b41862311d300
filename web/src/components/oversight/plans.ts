// What a leader's sector and a township's villages both show of the plans they oversee (read
// only): the names of the rectification API's enums, deadline arithmetic and the per-org row
// summary. The sector and villages `labels.ts` re-export these and add their own.
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

/** Today in the county's zone (Asia/Shanghai), as the API writes its dates. */
export function countyToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
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

/** The soonest deadline first, a task without one last. */
export function byDeadline(a: Task, b: Task): number {
  const da = a.due_on ?? "9999-12-31";
  const db = b.due_on ?? "9999-12-31";
  if (da !== db) return da < db ? -1 : 1;
  return (a.org_name ?? "").localeCompare(b.org_name ?? "", "zh");
}

/** One overseen org: its plans and what their tasks show. */
export interface OrgRow {
  org: Org;
  plans: Plan[];
  tasks: Task[];
  open: number;
  claimed: number;
  accepted: number;
  /** Late as the API says (an open task past its working-day deadline). */
  overdue: number;
  /** Accepted / all tasks, null without tasks. */
  rate: number | null;
}

export function orgRows(orgs: readonly Org[], plans: readonly Plan[], tasks: readonly Task[]): OrgRow[] {
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
