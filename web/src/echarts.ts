// Only the ECharts parts the dashboard draws (bars, lines, the custom timeline), so the bundle
// and the build stay small.
import { BarChart, CustomChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, CustomChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
export type { ECElementEvent, EChartsCoreOption } from "echarts/core";
