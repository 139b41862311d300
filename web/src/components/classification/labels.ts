// 村分类's names (the planning service's own: villages/workflow.py, villages/rules.py), keyed
// by the API's enums, and who may record each of the five steps.
import type { Schemas } from "../../api";

export type Stage = Schemas["Stage"];
export type Step = Schemas["Step"];
export type VillageClass = Schemas["VillageClass"];
export type Judgement = Schemas["Judgement"];
export type RoleName = Schemas["Role"];

export const CLASS_ZH: Record<VillageClass, string> = {
  key: "重点村",
  general: "一般村",
  advanced: "先进村",
};

export const STEP_ZH: Record<Step, string> = {
  township_proposal: "乡镇提名",
  field_research: "巡察办实地调研",
  department_opinions: "相关部门意见",
  leadership_adjustment: "领导小组调整",
  committee_approval: "党委审定",
};

export const STAGE_ZH: Record<Stage, string> = {
  entered: "指标已录入",
  ...STEP_ZH,
};

/** The stages in the order a village passes them. */
export const STAGES: readonly Stage[] = [
  "entered",
  "township_proposal",
  "field_research",
  "department_opinions",
  "leadership_adjustment",
  "committee_approval",
];

/** The steps that may follow a stage (villages/workflow.py's `_NEXT`): departments may each
 * give an opinion, so that step may follow itself. */
export const NEXT_STEPS: Record<Stage, readonly Step[]> = {
  entered: ["township_proposal"],
  township_proposal: ["field_research"],
  field_research: ["department_opinions"],
  department_opinions: ["department_opinions", "leadership_adjustment"],
  leadership_adjustment: ["committee_approval"],
  committee_approval: [],
};

/** Who records each step (villages/workflow.py's STEP_ROLES; a township records its own
 * proposal, which the office may record for it). The API decides; this only offers. */
export const STEP_ROLES: Record<Step, readonly RoleName[]> = {
  township_proposal: ["office", "inspected"],
  field_research: ["office"],
  department_opinions: ["discipline", "organization", "department"],
  leadership_adjustment: ["leadership"],
  committee_approval: ["leadership"],
};

export const JUDGEMENT_ZH: Record<Judgement, string> = {
  good: "好",
  ordinary: "一般",
  concerning: "较差",
};

/** The four measured indicators (四定量) with their units. */
export const INDICATORS = [
  { key: "collective_income", label: "村集体经济收入", unit: "元/年" },
  { key: "petitions", label: "信访举报", unit: "件" },
  { key: "prior_problems", label: "以往发现问题", unit: "个" },
  { key: "assets", label: "三资规模", unit: "元" },
] as const;

export type IndicatorKey = (typeof INDICATORS)[number]["key"];

export function stepsFor(roles: readonly string[]): Step[] {
  return (Object.keys(STEP_ROLES) as Step[]).filter((s) => STEP_ROLES[s].some((r) => roles.includes(r)));
}
