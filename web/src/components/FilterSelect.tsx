// A list filter: a Select whose name stays visible in front of the chosen value (antd's
// `prefix`), and names the control for assistive technology too.
import { Select } from 'antd';
import type { SelectProps } from 'antd';

export function FilterSelect<V = string>({ label, ...props }: SelectProps<V> & { label: string }) {
  return <Select<V> aria-label={label} prefix={label} {...props} />;
}
