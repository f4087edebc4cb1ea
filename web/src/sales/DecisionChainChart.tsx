// The decision chain (决策链) of an opportunity drawn with ECharts: a node per buying
// centre member (name + role), coloured by attitude, sized by influence, with an
// arrow from each member to the one they report to.
import { useMemo } from 'react';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import type { BuyingCentreMember } from '../salesTypes';
import { ATTITUDE_COLOURS } from './colours';


export function DecisionChainChart({ members }: { members: BuyingCentreMember[] }) {
  const { t, label } = useI18n();
  const option = useMemo<EChartOption>(() => {
    const ids = new Set(members.map((m) => m.id));
    const attitudes = Object.keys(ATTITUDE_COLOURS);
    return {
      tooltip: { formatter: (p: unknown) => (p as { data?: { tip?: string } }).data?.tip ?? '' },
      legend: [{ data: attitudes.map((a) => label('attitude', a)), bottom: 0 }],
      series: [
        {
          type: 'graph',
          layout: 'force',
          force: { repulsion: 320, edgeLength: 110, gravity: 0.08 },
          roam: true,
          draggable: true,
          categories: attitudes.map((a) => ({ name: label('attitude', a), itemStyle: { color: ATTITUDE_COLOURS[a] } })),
          label: { show: true, position: 'bottom', formatter: '{b}' },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 10,
          lineStyle: { width: 2, color: '#888', curveness: 0.1 },
          data: members.map((m) => ({
            id: String(m.id),
            name: `${m.contact_name}\n${label('buying_role', m.role)}`,
            category: Math.max(0, attitudes.indexOf(m.attitude)),
            symbolSize: 18 + m.influence * 9,
            tip: `${m.contact_name} · ${label('buying_role', m.role)} · ${label('attitude', m.attitude)} · ${t('bc.influence')} ${m.influence}`,
          })),
          links: members
            .filter((m) => m.reports_to !== null && ids.has(m.reports_to))
            .map((m) => ({ source: String(m.id), target: String(m.reports_to) })),
        },
      ],
    } as EChartOption;
  }, [members, label, t]);
  return <EChart option={option} height={360} testId="decision-chain" ariaLabel={t('bc.chartLabel', { n: members.length })} />;
}
