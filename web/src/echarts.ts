// Only the ECharts parts the dashboard draws (bars, the custom timeline), so the bundle
// and the build stay small.
import { BarChart, CustomChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, CustomChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
export type { ECElementEvent, EChartsCoreOption } from "echarts/core";
