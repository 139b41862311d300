// 成绩单's cards: each figure, how it is shown and what it opens to (the records behind it,
// the rounds held or the orgs covered). The clue figures open to counts per round and org only.
import { client, unwrap, type QueryOf, type Schemas } from "../../api";

type Figures = Schemas["FiguresRead"];

// The figures on the cards, each with what it opens to.
export type Drill =
  | { kind: "records"; fact: Schemas["FactKind"]; title: string; confidential: boolean }
  | { kind: "rounds"; title: string }
  | { kind: "covered"; title: string };
export interface Card {
  key: string;
  label: string;
  value: (f: Figures) => string;
  note?: (f: Figures) => string;
  drill: Drill;
}
const CLUE_NOTE = "只显示各轮次、各单位的数量";
// The clue figures are null for readers without the need to know (only the office and the
// leadership group learn them).
const HIDDEN_NOTE = "仅巡察办和领导小组可见";
function clue(value: number | string | null): string {
  return value === null ? "—" : String(value);
}
function clueNote(value: number | string | null): string {
  return value === null ? HIDDEN_NOTE : CLUE_NOTE;
}
function records(fact: Schemas["FactKind"], title: string, confidential = false): Drill {
  return { kind: "records", fact, title, confidential };
}
export const CARDS: Card[] = [
  {
    key: "rounds_held",
    label: "已开展轮次",
    value: (f) => String(f.rounds_held),
    drill: { kind: "rounds", title: "已开展的巡察轮次" },
  },
  {
    key: "coverage",
    label: "覆盖率",
    value: (f) => (f.coverage ? `${f.coverage.coverage_percent}%` : "—"),
    note: (f) =>
      f.coverage
        ? `${f.coverage.term_name}：已巡 ${f.coverage.orgs_covered} / 应巡 ${f.coverage.orgs_in_scope}`
        : "暂无届期",
    drill: { kind: "covered", title: "已巡察的对象" },
  },
  {
    key: "problems_fed_back",
    label: "反馈问题",
    value: (f) => String(f.problems_fed_back),
    drill: records("problems_fed_back", "反馈问题"),
  },
  {
    key: "clues_transferred",
    label: "移交问题线索",
    value: (f) => clue(f.clues_transferred),
    note: (f) => clueNote(f.clues_transferred),
    drill: records("clues_transferred", "移交问题线索", true),
  },
  {
    key: "cases_filed",
    label: "立案",
    value: (f) => clue(f.cases_filed),
    note: (f) => clueNote(f.cases_filed),
    drill: records("cases_filed", "立案", true),
  },
  {
    key: "persons_sanctioned",
    label: "党纪政务处分（人）",
    value: (f) => clue(f.persons_sanctioned),
    note: (f) => clueNote(f.persons_sanctioned),
    drill: records("persons_sanctioned", "党纪政务处分", true),
  },
  {
    key: "organizational_handlings",
    label: "组织处理（人次）",
    value: (f) => clue(f.organizational_handlings),
    note: (f) => clueNote(f.organizational_handlings),
    drill: records("organizational_handlings", "组织处理", true),
  },
  {
    key: "money_recovered_yuan",
    label: "挽回经济损失（元）",
    value: (f) => clue(f.money_recovered_yuan),
    note: (f) => clueNote(f.money_recovered_yuan),
    drill: records("money_recovered", "挽回经济损失", true),
  },
  {
    key: "institutions_built",
    label: "建章立制",
    value: (f) => String(f.institutions_built),
    drill: records("institutions_built", "建章立制"),
  },
  {
    key: "tasks_total",
    label: "整改任务",
    value: (f) => String(f.tasks_total),
    drill: records("tasks_opened", "整改任务"),
  },
  {
    key: "completion_rate",
    label: "整改完成率",
    value: (f) => (f.completion_rate === null ? "—" : `${f.completion_rate}%`),
    note: (f) => `已验收 ${f.tasks_accepted} / 任务 ${f.tasks_total}`,
    drill: records("tasks_accepted", "已验收的整改任务"),
  },
  {
    key: "livelihood_problems_solved",
    label: "解决民生问题",
    value: (f) => String(f.livelihood_problems_solved),
    drill: records("livelihood_solved", "解决的民生问题"),
  },
  {
    key: "circulars_published",
    label: "典型案例通报",
    value: (f) => String(f.circulars_published),
    note: (f) => `通报典型案例 ${f.typical_cases_published} 个`,
    drill: records("circulars_published", "印发的典型案例通报"),
  },
];

/** The figures counted per round, year, term or org kind, for a slice. */
export async function breakdownRows(
  by: Schemas["BreakdownBy"],
  query: QueryOf<"/api/planning/figures"> = {},
): Promise<Schemas["BreakdownRow"][]> {
  return unwrap(await client.GET("/api/planning/figures/breakdown", { params: { query: { ...query, by } } })).rows;
}
