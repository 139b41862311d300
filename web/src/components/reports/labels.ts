// 巡察报告: the words of reports, their sections, statuses and reviews.
import type { Schemas } from "../../api";

export type Report = Schemas["FindingsReportRead"];
export type Sections = Schemas["Sections-Output"];
export type SectionKey = keyof Sections;

export const REPORT_KIND_ZH: Record<Schemas["ReportKind"], string> = {
  assignment: "巡察报告（单个对象）",
  comprehensive: "综合报告（乡镇连同其村）",
};

export const REPORT_STATUS_ZH: Record<Schemas["ReportStatus"], string> = {
  draft: "起草中",
  submitted: "待纪委审核",
  returned: "纪委退回修改",
  passed: "纪委审核通过，待书记专题会审定",
  approved: "书记专题会已审定",
};

export const REVIEW_DECISION_ZH: Record<Schemas["ReviewEntry"]["decision"], string> = {
  pass: "通过",
  return: "退回修改",
};

/** The six sections in the order of the report (the .docx uses the same headings). */
export const SECTIONS: { key: SectionKey; title: string; hint?: string }[] = [
  { key: "overview", title: "一、基本情况" },
  { key: "portrait", title: "二、领导班子画像（政治画像）" },
  { key: "main_problems", title: "三、发现的主要问题", hint: "可留空：导出 Word 时按类别列出本报告涉及的问题清单" },
  { key: "typical_cases", title: "四、典型案例" },
  { key: "causes", title: "五、问题成因" },
  { key: "recommendations", title: "六、意见建议" },
];

export const SECTION_LABELS: Record<string, string> = Object.fromEntries(SECTIONS.map((s) => [s.key, s.title]));
