// 本单位整改's names and its deadline arithmetic (the rectification service's schemas:
// plans/schemas.py, progress/schemas.py, plans/report.py), keyed by the API's enums.
import type { Schemas } from "../../api";

export type Plan = Schemas["PlanRead"];
export type Task = Schemas["TaskRead"];
export type Entry = Schemas["ProgressRead"];
export type TaskFile = Schemas["TaskFileRead"];

export const PLAN_STATUS_ZH: Record<Schemas["PlanStatus"], string> = {
  awaiting_feedback: "已移交立行立改问题，待反馈",
  drafting: "待报送整改方案",
  submitted: "整改方案已报送",
};

/** What each entry of a task's history is called (an entry kind not known here shows its code). */
export const ENTRY_KIND_ZH: Record<string, string> = {
  progress: "整改进展",
  claim: "申请销号",
  accept: "验收通过",
  reject: "验收退回",
  remind: "催办",
};

export const SCOPE_ZH: Record<Schemas["DisclosureScope"], string> = {
  party: "党内公开",
  public: "向社会公开",
};

/** The fields of a task the org fills in, as a 412 explains them. */
export const TASK_LABELS: Record<string, string> = {
  measures: "整改措施",
  responsible_person: "责任人",
  owner_account: "领办领导账号",
  owner_name: "领办领导",
  due_on: "整改时限",
  kind: "整改类型",
  status: "状态",
};

/** The truthfulness commitment the party head makes (DOMAIN.md: 真实性承诺). */
export const COMMITMENT_ZH = "本人承诺，以上整改情况真实、准确、完整，如有虚假整改、敷衍整改，愿承担相应责任。";
export const REPORT_COMMITMENT_ZH =
  "本人承诺，本报告所述整改情况真实、准确、完整，如有虚假整改、敷衍整改，愿承担相应责任。";

/** Today in the county's zone (Asia/Shanghai), as the API's dates are written. */
export function countyToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
}

/** Days from today to a deadline (negative once passed); null without one. */
export function daysLeft(due: string | null | undefined): number | null {
  if (!due) return null;
  const day = (s: string): number => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
  return Math.round((day(due) - day(countyToday())) / 86_400_000);
}

/** 「还剩 3 天」「今天到期」「已逾期 2 天」, or 未定时限. */
export function leftZh(due: string | null | undefined): string {
  const left = daysLeft(due);
  if (left === null) return "未定时限";
  if (left > 0) return `还剩 ${left} 天`;
  if (left === 0) return "今天到期";
  return `已逾期 ${-left} 天`;
}

/** The file an evidence entry cites (ref `file:<sha256>`), or null for a paper reference. */
export function fileSha(ref: string | null | undefined): string | null {
  const m = /^file:([0-9a-f]{64})$/.exec(ref ?? "");
  return m ? m[1] : null;
}

export const sizeZh = (n: number): string =>
  n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

export type ChangeRequest = Schemas["ChangeRequestRead"];

/** The fields of a task the office decides on a change request (调整申请). */
export const CHANGE_FIELD_ZH: Record<Schemas["ChangeField"], string> = {
  kind: "整改类型",
  due_on: "整改时限",
  measures: "整改措施",
};

export const CHANGE_STATUS_ZH: Record<Schemas["ChangeRequestStatus"], string> = {
  open: "待巡察办审批",
  approved: "巡察办已同意",
  rejected: "巡察办不同意",
  withdrawn: "已撤回",
};

/** The fields the org cannot change by itself (the service's plans/decided.py,
 * `decided_fields`): a 立行立改 task's kind and deadline, and once the plan is submitted every
 * task's kind, deadline and measures. The task form shows them without an input. */
export function decidedFields(task: Task, planStatus: Schemas["PlanStatus"] | undefined): Schemas["ChangeField"][] {
  const fixed = new Set<Schemas["ChangeField"]>(task.immediate ? ["kind", "due_on"] : []);
  if (planStatus === "submitted") for (const f of ["kind", "due_on", "measures"] as const) fixed.add(f);
  return (["kind", "due_on", "measures"] as const).filter((f) => fixed.has(f));
}

/** What the org may only ask the office to change (the service's plans/decided.py): a
 * 立行立改 task's deadline (its kind is the inspection's: never asked), and once the plan is
 * submitted every task's kind, deadline and measures. Empty: nothing to ask, the org fills
 * the task in itself. */
export function requestableFields(task: Task, planStatus: Schemas["PlanStatus"] | undefined): Schemas["ChangeField"][] {
  if (task.status !== "open") return [];
  if (planStatus === "submitted") return task.immediate ? ["due_on", "measures"] : ["kind", "due_on", "measures"];
  return task.immediate ? ["due_on"] : [];
}
