// Chinese labels of the clue pages (线索台账, a clue's page) beyond web/src/labels.ts.
import type { Schemas } from "../../api";

/** What the audit log calls each step (the clues service's audit actions). */
export const AUDIT_ACTION_ZH: Record<string, string> = {
  propose: "提出线索",
  read: "查看详情",
  review: "会商研判",
  transfer: "移交",
  recall: "撤回移交",
  keeper: "更换线索管理人",
  receipt: "签收",
  return: "退回补充材料",
  disposal: "确定处置方式",
  progress: "报送进展",
  outcome: "报送办理结果",
  close: "销号",
  reminder: "发出提醒函",
  supervision: "发出督办函",
  export: "导出台账",
  ledger_review: "月度梳理",
  reconcile_post: "报送部门台账",
  audit_export: "导出审计日志",
  re_encrypt: "重新加密",
};

/** A clue's notes, by kind. */
export const NOTE_KIND_ZH: Record<string, string> = {
  review: "研判意见",
  return: "退回理由",
  recall: "撤回移交理由",
  progress: "办理进展",
  outcome: "结果说明",
};

/** 四种形态 (the forms of supervision and discipline). */
export const FORM_ZH: Record<string, string> = {
  "1": "第一种形态",
  "2": "第二种形态",
  "3": "第三种形态",
  "4": "第四种形态",
};

/** A stage letter's step. */
export const LETTER_STEP_ZH: Record<string, string> = {
  reminder: "提醒函",
  supervision: "督办函",
};

export const DIFFERENCE_KIND_ZH: Record<Schemas["DifferenceKind"], string> = {
  missing_in_department: "已移交但部门台账中没有",
  unknown_to_office: "部门台账中有但巡察办未移交给该部门",
  mismatch: "双方记录不一致",
};

/** The fields the reconciliation compares. */
export const LEDGER_FIELD_ZH: Record<string, string> = {
  status: "状态",
  case_filed: "是否立案",
  persons_sanctioned: "处分人数",
  organizational_handlings: "组织处理人次",
  money_recovered_yuan: "挽回经济损失（元）",
};

/** The fields compared when a clue changed under a form (a 412). */
export const CLUE_CHANGE_LABELS: Record<string, string> = {
  status: "状态",
  keeper_account: "线索管理人",
  recipient_org_id: "承办部门",
  disposal: "处置方式",
  received_by_name: "签收人",
  progress_count: "进展报送次数",
  version: "版本",
};
