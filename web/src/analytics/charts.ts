// The ECharts pieces the analytics page draws besides those components/EChart.tsx
// registers (bars, heatmaps, scatter, colour scales, threshold lines). echarts.use is
// global, so importing this module before a chart renders is enough.
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { GraphicComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  FunnelChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/** Colours with enough contrast on white, shared by the analytics charts. */
export const PALETTE = ['#1f5fbf', '#d4380d', '#389e0d', '#722ed1', '#c41d7f', '#08979c', '#ad6800', '#595959'];
