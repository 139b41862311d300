// Chinese names of the platform's codes (the same as the services' *_zh fields and
// xuncha_shared.auth.Role.label_zh), keyed by the API's own enums: a value the document adds
// fails the build until it has a name here.
import { oneOf, type Area, type Schemas } from "./api";

export const ROLE_ZH: Record<Schemas["Role"], string> = {
  office: "巡察办",
  leadership: "巡察工作领导小组",
  group: "巡察组",
  discipline: "纪委监委",
  organization: "组织部",
  department: "职能部门",
  inspected: "被巡察党组织",
  leader: "分管县级领导",
  service: "部门系统服务账号",
};

/** The dashboard's areas in the navigation's order (an area without a page is not shown). */
export const AREA_ZH: Record<Area, string> = {
  figures: "成绩单",
  coverage: "覆盖情况",
  rounds: "巡察轮次",
  orgs: "被巡察对象",
  roster: "领导班子名册",
  cadres: "人才库",
  classification: "村分类",
  consultations: "巡前函询",
  inspection: "巡察工作台",
  petitions: "信访举报",
  problems: "发现问题",
  reports: "巡察报告",
  letters: "函件",
  clues: "线索台账",
  plan: "本单位整改",
  villages: "所辖村整改",
  acceptance: "整改验收",
  sector: "分管整改",
  rectification: "整改",
  inbox: "消息",
  accounts: "账号管理",
  settings: "设置",
};

export const KIND_ZH: Record<Schemas["OrgKind"], string> = {
  township: "乡镇(街道)",
  department: "县(市)直单位",
  village: "村",
  community: "社区",
  enterprise: "国有企业",
  institution: "事业单位",
};

export const STATUS_ZH: Record<Schemas["RoundStatus"], string> = {
  planned: "计划中",
  mobilized: "已动员部署",
  on_site: "进驻巡察",
  reporting: "巡察报告",
  feedback: "巡察反馈",
  rectifying: "整改中",
  closed: "已结束",
};

export const LIFECYCLE = [
  "planned",
  "mobilized",
  "on_site",
  "reporting",
  "feedback",
  "rectifying",
  "closed",
] as const satisfies readonly Schemas["RoundStatus"][];

export const MODE_ZH: Record<Schemas["RoundMode"], string> = {
  regular: "常规巡察",
  special: "专项巡察",
  mobile: "机动式巡察",
  revisit: "巡察“回头看”",
  escalated: "提级巡察",
  cross: "交叉巡察",
  joint: "联合巡察",
};

export const APPROACH_ZH: Record<Schemas["VillageApproach"], string> = {
  direct: "直接巡",
  extended: "延伸巡",
  research: "调研巡",
};

export const GROUP_ROLE_ZH: Record<Schemas["GroupRole"], string> = {
  leader: "组长",
  deputy: "副组长",
  member: "组员",
};

export const SEVERITY_ZH: Record<Schemas["ConsultationSeverity"], string> = {
  none: "无问题",
  minor: "一般问题",
  serious: "问题突出",
};

export const BRIEFING_ZH: Record<Schemas["BriefingStage"], string> = {
  before: "巡前",
  during: "巡中",
  after: "巡后",
};

export function options(labels: Record<string, string>): { value: string; label: string }[] {
  return Object.entries(labels).map(([value, label]) => ({ value, label }));
}

/** The name of a code that arrives as a plain string (a token's roles, a map's keys). */
export function labelOf<K extends string>(labels: Record<K, string>, code: string): string | undefined {
  const key = oneOf(labels, code);
  return key === undefined ? undefined : labels[key];
}

export function rolesZh(roles: string[]): string {
  return roles.map((r) => labelOf(ROLE_ZH, r) ?? r).join("、");
}

export function dateTimeZh(value: string | null | undefined): string {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}

// 发现问题 (findings service)
export const FOUND_BY_ZH: Record<Schemas["FoundBy"], string> = {
  interview: "个别谈话",
  democratic_appraisal: "民主测评",
  questionnaire: "问卷调查",
  records: "查阅资料",
  visit: "走访",
  evening_talk: "乡村夜话",
  petition: "信访",
};

export const PROBLEM_STATUS_ZH: Record<Schemas["ProblemStatus"], string> = {
  recorded: "已记录",
  handed_over: "已移交立行立改",
  fed_back: "已反馈",
};

export const LETTER_KIND_ZH: Record<Schemas["LetterKind"], string> = {
  reminder: "巡察提醒函",
  recommendation: "巡察建议书",
  supervision: "典型问题督办函",
};

// 线索 (clues service)
export const CLUE_STATUS_ZH: Record<Schemas["ClueStatus"], string> = {
  draft: "待研判",
  reviewed: "已研判待移交",
  returned: "已退回补充材料",
  transferred: "已移交待签收",
  accepted: "已签收",
  handling: "办理中",
  concluded: "已办结",
  closed: "已销号",
};

export const CLUE_CATEGORY_ZH: Record<Schemas["ClueCategory"], string> = {
  political: "政治纪律",
  organizational: "组织纪律",
  integrity: "廉洁纪律",
  mass: "群众纪律",
  work: "工作纪律",
  life: "生活纪律",
  embezzlement: "截留挪用贪占",
  cadre_selection: "选人用人",
  other: "其他",
};

export const CLUE_STAGE_ZH: Record<Schemas["ClueStage"], string> = {
  transfer: "研判后移交",
  receipt: "移交后签收",
  first_progress: "签收后首次报告进展",
  conclusion: "签收后办结",
};

export const RECIPIENT_KIND_ZH: Record<Schemas["RecipientKind"], string> = {
  discipline: "纪委监委",
  organization: "组织部",
  department: "其他部门",
};

export const DISPOSAL_ZH: Record<Schemas["Disposal"], string> = {
  inquiry: "谈话函询",
  preliminary_verification: "初步核实",
  hold: "暂存待查",
  close: "予以了结",
  case: "立案审查",
};

export const PERSON_RANK_ZH: Record<Schemas["PersonRank"], string> = {
  county: "县处级",
  township: "乡科级",
  general: "一般干部",
  village: "村（社区）干部",
  other: "其他",
};

// 领导班子名册 (planning's roster)
export const ROSTER_POST_ZH: Record<Schemas["RosterPost"], string> = {
  party_secretary: "党委(党组)书记",
  administrative_head: "行政正职",
  deputy: "班子副职",
  discipline_head: "纪检监察负责人",
  village_secretary: "村(社区)党组织书记",
  village_director: "村(居)委会主任",
  village_committee_member: "村(社区)两委委员",
  other: "其他",
};

export const CADRE_RANK_ZH: Record<Schemas["CadreRank"], string> = {
  county: "县处级",
  township: "乡科级",
  general: "一般",
};

// 整改 (rectification service)
export const TASK_STATUS_ZH: Record<Schemas["TaskStatus"], string> = {
  open: "整改中",
  claimed: "已申请销号",
  accepted: "已验收",
};

export const TASK_KIND_ZH: Record<Schemas["TaskKind"], string> = {
  immediate: "立行立改",
  short: "限期整改",
  long: "长期坚持",
};

export const CARD_COLOR_ZH: Record<Schemas["CardColor"], string> = { yellow: "黄牌", red: "红牌" };

export const RATING_ZH: Record<Schemas["Rating"], string> = { good: "好", fair: "中", poor: "差" };
