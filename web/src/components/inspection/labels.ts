// 巡察工作台's names (findings: problems/schemas.py; planning: assignments), keyed by the API's
// enums, and the small helpers the workspace's forms share.
import type { Schemas } from "../../api";

export type Assignment = Schemas["AssignmentRead"] &
  Partial<Pick<Schemas["MyAssignmentRead"], "round_name" | "round_status" | "my_role">>;
export type Problem = Schemas["ProblemRead"];
export type Category = Schemas["CategoryRead"];

export const WORKSPACE_TABS = {
  problems: "问题清单",
  record: "记录问题",
  batch: "批量录入",
  funds: "资金比对",
} as const;
export type WorkspaceTab = keyof typeof WORKSPACE_TABS;

/** 涉及人员 typed one per line (or separated by 、，;) as the list the API takes. */
export function peopleOf(text: string): string[] {
  return text
    .split(/[\n、，,;；]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** An amount as typed, sent as the exact decimal string (never a float); blank is none. */
export function amountOf(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

/** The first fault about a list field (`people_involved` or `people_involved.3`). */
export function listFault(faults: Record<string, string>, prefix: string): string | undefined {
  if (faults[prefix]) return faults[prefix];
  const key = Object.keys(faults).find((k) => k.startsWith(`${prefix}.`));
  return key ? faults[key] : undefined;
}

/** Yuan as the API gave it (an exact decimal string), with thousands separators. */
export function yuan(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const [whole, frac] = String(value).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** A problem being filled in: the inputs of 记录问题 and of 分办（转为问题）. */
export interface ProblemDraft {
  category: string;
  description: string;
  found_by: Schemas["FoundBy"] | "";
  people: string;
  amount: string;
  livelihood: boolean;
  immediate: boolean;
}

export function blankProblem(found_by: ProblemDraft["found_by"] = ""): ProblemDraft {
  return { category: "", description: "", found_by, people: "", amount: "", livelihood: false, immediate: false };
}

/** A draft's fields as the API takes them (an unchosen category or way goes as the empty
 * string: the API names the field). */
export function problemFields(d: ProblemDraft) {
  return {
    category: d.category,
    description: d.description.trim(),
    found_by: d.found_by as Schemas["FoundBy"],
    people_involved: peopleOf(d.people),
    amount_yuan: amountOf(d.amount),
    livelihood: d.livelihood,
    immediate: d.immediate,
  };
}
