// The level-2 heading used as a card title on the analytics page.
import { Typography } from 'antd';

export function SectionTitle({ text }: { text: string }) {
  return (
    <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
      {text}
    </Typography.Title>
  );
}
