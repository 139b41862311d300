// 巡前函询's names (the planning service's: consultation/schemas.py), keyed by the API's enums.
import type { Schemas } from "../../api";

export type Topic = Schemas["ConsultationTopic"];

export const TOPIC_ZH: Record<Topic, string> = {
  discipline_reports: "信访举报",
  clues: "问题线索",
  political_ecology: "政治生态",
  cadre_selection: "选人用人",
  appointments: "干部任免",
  audit: "审计情况",
  petitions: "群众信访",
  public_security: "涉黑涉恶及违法犯罪",
  ideology: "意识形态",
};

export const CONSULTATION_STATUS_ZH: Record<Schemas["ConsultationStatus"], string> = {
  pending: "待答复",
  answered: "已全部答复",
  closed: "已办结",
};

export const ANSWER_SEVERITY_ZH: Record<Schemas["ConsultationSeverity"], string> = {
  none: "未发现问题",
  minor: "存在一般问题",
  serious: "问题突出",
};

/** The round stages in which consultations are still sent (consultation/service.py). */
export const ASKING_STAGES: readonly Schemas["RoundStatus"][] = ["planned", "mobilized", "on_site"];

export function topicsZh(topics: readonly Topic[]): string {
  return topics.map((t) => TOPIC_ZH[t] ?? t).join("、");
}
