// What a leader's sector and a township's villages both show of the plans they oversee (read
// only): the names of the rectification API's enums, deadline arithmetic and the per-org row
// summary. The sector and villages `labels.ts` re-export these and add their own.
import type { Schemas } from "../../api";

// The deadline arithmetic is the inspected org's own (../plan/labels).
export { countyToday, daysLeft, leftZh } from "../plan/labels";

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
