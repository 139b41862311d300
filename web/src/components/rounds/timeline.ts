// The rounds timeline's tooltip. ECharts puts a formatter's string into the page as HTML, so
// every value that comes from a record (a round's name is typed by the office) is encoded with
// ECharts' own encoder: a name such as <img onerror=…> reads as text and never runs.
import { echarts } from "../../echarts";

export interface TimelineRound {
  name: string;
  mode_zh: string;
  on_site_from: string;
  on_site_until: string;
  status_zh: string;
}

export function timelineTooltip(round: TimelineRound): string {
  const text = echarts.format.encodeHTML;
  return (
    `${text(round.name)}（${text(round.mode_zh)}）` +
    `<br/>进驻 ${text(round.on_site_from)} 至 ${text(round.on_site_until)}` +
    `<br/>阶段：${text(round.status_zh)}`
  );
}
