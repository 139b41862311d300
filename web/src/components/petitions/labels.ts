// 信访举报's names (the findings service's: public_reports/schemas.py and the events'
// PublicReportChannel / TriageOutcome), keyed by the API's enums.
import type { Schemas } from "../../api";

export type Channel = Schemas["PublicReportChannel"];
export type Outcome = Schemas["TriageOutcome"];

export const CHANNEL_ZH: Record<Channel, string> = {
  online: "网上举报",
  letter: "来信",
  phone: "来电",
  visit: "来访",
  mailbox: "举报信箱",
};

/** The channels the office or a group enters by hand (online reports arrive by themselves). */
export const ENTERED_CHANNELS: readonly Channel[] = ["letter", "phone", "visit", "mailbox"];

export const PUBLIC_STATUS_ZH: Record<Schemas["PublicStatus"], string> = {
  received: "已受理",
  handling: "办理中",
  closed: "已办结",
};

export const OUTCOME_ZH: Record<Outcome, string> = {
  problem: "转为问题",
  clue: "作为线索",
  forwarded: "转办部门",
  no_action: "不予处理",
};

/** What the report's content became once it was proposed as a clue (erased here). */
export const ERASED_ZH = "（内容已移交线索台账，本处已清除）";
