// 所辖村整改's names, its deadline arithmetic and the figures of a township's villages, keyed
// by the rectification API's enums: the same as a leader's sector shows (../oversight/plans),
// with what only a township needs.
import type { Schemas } from "../../api";
import { daysLeft, type Task } from "../oversight/plans";

export {
  ENTRY_KIND_ZH,
  PLAN_STATUS_ZH,
  byDeadline,
  leftZh,
  percent,
  type Entry,
  type Org,
  type Plan,
  type Task,
} from "../oversight/plans";
export { orgRows as villageRows, type OrgRow as VillageRow } from "../oversight/plans";

/** The kinds of org a township answers for directly. */
export const UNDER_TOWNSHIP: readonly Schemas["OrgKind"][] = ["village", "community"];

/** A moment's day in the county's zone (Asia/Shanghai): 2026-11-02. */
export function countyDay(moment: string | null | undefined): string {
  if (!moment) return "";
  const d = new Date(moment);
  if (Number.isNaN(d.getTime())) return moment;
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(d);
}

/** Within a week of its deadline and still open: worth a reminder before it is late. */
export const DUE_SOON_DAYS = 7;
export function dueSoon(t: Task): boolean {
  const left = daysLeft(t.due_on);
  return t.status === "open" && !t.overdue && left !== null && left <= DUE_SOON_DAYS;
}
