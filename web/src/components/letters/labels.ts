// 函件: the words of the letters' screens, and where a letter stands on its reply (the API's
// own rule: a letter asking for a reply is overdue once its reply day, counted in working
// days when it was sent, has passed in Beijing without a reply).
import type { Schemas } from "../../api";

type Letter = Schemas["FindingsLetterRead"];
type LetterKind = Schemas["LetterKind"];

/** Who a kind of letter goes to, as DOMAIN.md describes it (the hint beside the choice). */
export const LETTER_KIND_HINT_ZH: Record<LetterKind, string> = {
  reminder: "发上级党委或主管部门，提醒其研究解决巡察发现的问题，限期书面回复",
  recommendation: "就共性问题发行业主管部门，提出建议，抄报分管县级领导",
  supervision: "发乡镇，督办典型问题的整改",
};

export const REPLY_STATE_ZH = {
  replied: "已回复",
  overdue: "逾期未回复",
  waiting: "待回复",
  none: "无须回复",
} as const;
export type ReplyState = keyof typeof REPLY_STATE_ZH;

/** The fields the issue form compares and labels (also the ledger's detail). */
export const LETTER_FIELD_ZH: Record<string, string> = {
  kind: "函件类型",
  addressee_org_id: "主送单位",
  problem_ids: "涉及问题",
  title: "标题",
  body: "正文",
  recommendations: "建议事项",
  copy_to: "抄报分管领导",
  copy_to_org_ids: "抄送单位",
  reply_required: "要求书面回复",
  reply_workdays: "回复期限（工作日）",
};

/** Today in Beijing, as YYYY-MM-DD (the day the API counts deadlines in). */
export function beijingToday(now: Date = new Date()): string {
  return now.toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface ReplyStanding {
  state: ReplyState;
  /** e.g. 限 2026-12-28 前回复，还剩 12 天 / 已逾期 3 天（期限 2026-12-01） */
  text: string;
}

export function replyStanding(letter: Letter, today: string = beijingToday()): ReplyStanding {
  if (letter.replied_at) {
    const late = letter.reply_due_on && beijingToday(new Date(letter.replied_at)) > letter.reply_due_on;
    return { state: "replied", text: late ? "已回复（逾期回复）" : "已回复" };
  }
  if (!letter.reply_due_on) return { state: "none", text: REPLY_STATE_ZH.none };
  const left = daysBetween(today, letter.reply_due_on);
  if (left < 0) {
    return { state: "overdue", text: `逾期未回复：期限 ${letter.reply_due_on}，已逾期 ${-left} 天` };
  }
  return {
    state: "waiting",
    text: left === 0 ? `限今天（${letter.reply_due_on}）回复` : `限 ${letter.reply_due_on} 前回复，还剩 ${left} 天`,
  };
}
