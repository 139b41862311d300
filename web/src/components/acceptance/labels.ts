// 整改验收's names and its deadline arithmetic (the rectification service's:
// progress/schemas.py), keyed by the API's enums.
import { allPages, client, type Schemas } from "../../api";

export type Task = Schemas["TaskRead"];
export type Entry = Schemas["ProgressRead"];

export const ENTRY_KIND_ZH: Record<Schemas["EntryKind"], string> = {
  progress: "整改进展",
  claim: "申请销号",
  accept: "验收通过",
  reject: "验收退回",
  remind: "催办",
};

/** The fields a 412 on a task explains (what changed since the supervisor opened it). */
export const TASK_LABELS: Record<string, string> = {
  status: "状态",
  measures: "整改措施",
  responsible_person: "责任人",
  due_on: "整改时限",
  claimed_at: "申请销号时间",
  rejections: "验收退回次数",
};

/** Today in the county's zone (Asia/Shanghai), as the API's dates are written. */
export function countyToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
}

/** Days from today to a deadline (negative once it has passed); null without one. */
export function daysLeft(due: string | null | undefined): number | null {
  if (!due) return null;
  const day = (s: string): number => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
  return Math.round((day(due) - day(countyToday())) / 86_400_000);
}

/** A deadline with what is left: 「2026-12-20（还剩 3 天）」 or 「已逾期 2 天」. */
export function deadlineZh(due: string | null | undefined): string {
  const left = daysLeft(due);
  if (!due || left === null) return "未定时限";
  if (left > 0) return `${due}（还剩 ${left} 天）`;
  if (left === 0) return `${due}（今天到期）`;
  return `${due}（已逾期 ${-left} 天）`;
}

/** The queue's order: the soonest deadline first, a task without one last; then the
 * earliest claim. */
export function byDeadline(a: Task, b: Task): number {
  const da = a.due_on ?? "9999-12-31";
  const db = b.due_on ?? "9999-12-31";
  if (da !== db) return da < db ? -1 : 1;
  return (a.claimed_at ?? "").localeCompare(b.claimed_at ?? "");
}

export type Evidence = Entry["evidence"][number];

/** Every piece of evidence of a task's history, newest entry first, with the entry it came
 * with. */
export function evidenceOf(entries: readonly Entry[]): { entry: Entry; item: Evidence }[] {
  return [...entries].reverse().flatMap((entry) => entry.evidence.map((item) => ({ entry, item })));
}

/** Round names for the rounds the queue holds. The office reads planning's rounds; the
 * supervisors may not, so a round is named from one of its problems (findings lets the
 * discipline commission and the organization department read them all). */
export async function roundNames(ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  try {
    const rounds = await allPages((page) => client.GET("/api/planning/rounds", { params: { query: page } }));
    for (const r of rounds) names.set(r.id, r.name);
  } catch {
    // Not the office: ask findings below.
  }
  await Promise.all(
    ids
      .filter((id) => !names.has(id))
      .map(async (id) => {
        const { data } = await client.GET("/api/findings/problems", { params: { query: { round_id: id, limit: 1 } } });
        const name = data?.items[0]?.round_name;
        if (name) names.set(id, name);
      }),
  );
  return names;
}
