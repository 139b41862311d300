// 分管整改's names, its deadline arithmetic and the figures of a leader's sector, keyed by
// the rectification API's enums: the same as a township's villages show (../oversight/plans).
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
export { orgRows as sectorRows, type OrgRow as SectorRow } from "../oversight/plans";
