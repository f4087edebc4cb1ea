// On the customer page: the customer's 360° timeline (interactions, tasks, orders,
// opportunities, lifecycle and owner changes, merges, journeys), newest first, with
// a kind filter and "load more"; and the quick log of an interaction: the button
// 「记录互动」 opens a compact form with the last used channel pre-selected, and
// 「保存」 stores it (with an optional follow-up task) — two clicks — then the
// timeline reloads.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Form, Input, Radio, Select, Space, Tag, Timeline, Typography } from 'antd';
import {
  CheckSquareOutlined, FlagOutlined, FundOutlined, MergeCellsOutlined, MessageOutlined, RiseOutlined,
  ShoppingCartOutlined, UserSwitchOutlined,
} from '@ant-design/icons';
import { api, qs } from '../api';
import { canWriteCustomers, useUser } from '../auth';
import { FilterSelect } from '../components/FilterSelect';
import { errorMessage } from '../errors';
import { useI18n, type MessageKey } from '../i18n';
import { formatFen } from '../money';
import { shanghaiDay } from '../analytics/dates';

export interface TimelineEntry {
  kind: string;
  event: string;
  id: number;
  at: number;
  title: string;
  detail: string;
  user_id: number | null;
  user_name: string | null;
  data: Record<string, unknown>;
}

const KINDS = ['interaction', 'task', 'order', 'opportunity', 'lifecycle', 'owner', 'merge', 'journey'] as const;
const CHANNELS = ['phone', 'wechat', 'face_to_face', 'email', 'sms', 'web', 'fax', 'other'] as const;
const LAST_CHANNEL_KEY = 'guanxi.lastChannel';
const PAGE = 20;

// Icon and colour per kind (colours are antd's darker shades: readable on white).
const LOOK: Record<string, { icon: ReactNode; color: string }> = {
  interaction: { icon: <MessageOutlined />, color: '#1d39c4' },
  task: { icon: <CheckSquareOutlined />, color: '#ad4e00' },
  order: { icon: <ShoppingCartOutlined />, color: '#237804' },
  opportunity: { icon: <FundOutlined />, color: '#531dab' },
  lifecycle: { icon: <RiseOutlined />, color: '#006d75' },
  owner: { icon: <UserSwitchOutlined />, color: '#874d00' },
  merge: { icon: <MergeCellsOutlined />, color: '#9e1068' },
  journey: { icon: <FlagOutlined />, color: '#0958d9' },
};

function readLastChannel(): string {
  try {
    const v = localStorage.getItem(LAST_CHANNEL_KEY);
    if (v && (CHANNELS as readonly string[]).includes(v)) return v;
  } catch {
    /* storage unavailable */
  }
  return 'phone';
}

interface QuickLogValues {
  channel: string;
  direction: 'outbound' | 'inbound';
  summary?: string;
  outcome?: string;
  follow_up_title?: string;
  follow_up_due?: string;
}

export function TimelineCard({ customerId, archived }: { customerId: number; archived: boolean }) {
  const { t, fmtTime, lang } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const canLog = !archived && (canWriteCustomers(user.role) || user.role === 'service');
  const [kind, setKind] = useState<string>('all');
  const [items, setItems] = useState<TimelineEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [logging, setLogging] = useState(false);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<QuickLogValues>();

  const fetchPage = useCallback(
    (after: string | null) =>
      api.get<{ items: TimelineEntry[]; next: string | null }>(
        `/customers/${customerId}/timeline${qs({ kinds: kind === 'all' ? undefined : kind, limit: PAGE, after })}`),
    [customerId, kind],
  );
  const load = useCallback(async () => {
    try {
      const page = await fetchPage(null);
      setItems(page.items);
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [fetchPage, t]);
  useEffect(() => { void load(); }, [load]);

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      const page = await fetchPage(next);
      setItems((old) => [...(old ?? []), ...page.items]);
      setNext(page.next);
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setLoadingMore(false);
    }
  };

  const openLog = () => {
    form.setFieldsValue({ channel: readLastChannel(), direction: 'outbound', summary: '', outcome: '',
      follow_up_title: '', follow_up_due: '' });
    setLogging(true);
  };
  const save = async (v: QuickLogValues) => {
    const title = v.follow_up_title?.trim() ?? '';
    const due = v.follow_up_due ?? '';
    if (!!title !== !!due) {
      setError(t('tl.form.followUpIncomplete'));
      return;
    }
    setSaving(true);
    try {
      const r = await api.post<{ follow_up_task: unknown }>('/interactions', {
        customer_id: customerId, channel: v.channel, direction: v.direction,
        summary: v.summary ?? '', outcome: v.outcome ?? '',
        ...(title ? { follow_up: { title, due_day: due } } : {}),
      });
      try {
        localStorage.setItem(LAST_CHANNEL_KEY, v.channel);
      } catch {
        /* storage unavailable */
      }
      message.success(t(r.follow_up_task ? 'tl.form.savedWithTask' : 'tl.form.saved'));
      setLogging(false);
      setError(null);
      await load();
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };

  const eventText = (e: TimelineEntry) => {
    const key = `tl.event.${e.event}` as MessageKey;
    const text = t(key);
    return text === key ? t('tl.event.changed') : text;
  };
  const extra = (e: TimelineEntry): string | null => {
    if (e.kind === 'interaction' && typeof e.data.channel === 'string') return t(`tl.channel.${e.data.channel}` as MessageKey);
    if (e.kind === 'order' && typeof e.data.total === 'number') return t('tl.orderTotal', { total: formatFen(e.data.total) });
    if (e.kind === 'opportunity' && e.event === 'stage') {
      const name = e.data[lang === 'en' ? 'to_stage_name_en' : 'to_stage_name_zh'];
      return typeof name === 'string' ? t('tl.stageTo', { stage: name }) : null;
    }
    return null;
  };

  const title = <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('tl.title')}</Typography.Title>;
  return (
    <Card data-testid="customer-timeline" title={title} style={{ marginTop: 16 }}
      extra={(
        <Space wrap>
          <FilterSelect label={t('tl.kindFilter')} value={kind} onChange={setKind} style={{ minWidth: 160 }}
            data-testid="timeline-kind"
            options={[{ value: 'all', label: t('tl.kind.all') },
              ...KINDS.map((k) => ({ value: k, label: t(`tl.kind.${k}` as MessageKey) }))]} />
          {canLog && !logging && (
            <Button type="primary" onClick={openLog} data-testid="timeline-log">{t('tl.logButton')}</Button>
          )}
        </Space>
      )}>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      {logging && (
        <Form<QuickLogValues> form={form} layout="vertical" onFinish={(v) => void save(v)} data-testid="timeline-log-form"
          aria-label={t('tl.form.title')} style={{ marginBottom: 16, padding: 12, border: '1px solid #d9d9d9', borderRadius: 8 }}>
          <Space wrap align="start">
            <Form.Item name="channel" label={t('tl.form.channel')} htmlFor="tl-channel">
              <Select id="tl-channel" style={{ width: 140 }}
                options={CHANNELS.map((c) => ({ value: c, label: t(`tl.channel.${c}` as MessageKey) }))} />
            </Form.Item>
            <Form.Item name="direction" label={t('tl.form.direction')}>
              <Radio.Group optionType="button" options={[
                { value: 'outbound', label: t('tl.form.outbound') },
                { value: 'inbound', label: t('tl.form.inbound') },
              ]} />
            </Form.Item>
          </Space>
          <Form.Item name="summary" label={t('tl.form.summary')} htmlFor="tl-summary">
            <Input.TextArea id="tl-summary" autoSize={{ minRows: 2, maxRows: 6 }} maxLength={10000} />
          </Form.Item>
          <Form.Item name="outcome" label={t('tl.form.outcome')} htmlFor="tl-outcome">
            <Input.TextArea id="tl-outcome" autoSize={{ minRows: 1, maxRows: 4 }} maxLength={10000} />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item name="follow_up_title" label={t('tl.form.followUpTitle')} htmlFor="tl-fu-title">
              <Input id="tl-fu-title" maxLength={200} style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="follow_up_due" label={t('tl.form.followUpDue')} htmlFor="tl-fu-due">
              <Input id="tl-fu-due" type="date" min={shanghaiDay()} style={{ width: 170 }} />
            </Form.Item>
          </Space>
          <Space>
            <Button type="primary" htmlType="submit" loading={saving} data-testid="timeline-log-save">{t('tl.form.save')}</Button>
            <Button onClick={() => setLogging(false)}>{t('tl.form.cancel')}</Button>
          </Space>
        </Form>
      )}
      {items && items.length === 0 && <Typography.Text type="secondary">{t('tl.empty')}</Typography.Text>}
      <Timeline
        data-testid="timeline-items"
        items={(items ?? []).map((e) => {
          const look = LOOK[e.kind] ?? LOOK.interaction;
          const more = extra(e);
          return {
            key: `${e.kind}-${e.event}-${e.id}`,
            color: look.color,
            dot: <span style={{ color: look.color }} aria-hidden>{look.icon}</span>,
            children: (
              <div data-testid="timeline-entry" data-kind={e.kind}>
                <Space wrap size={4}>
                  <Tag color={look.color}>{t(`tl.kind.${e.kind}` as MessageKey)}</Tag>
                  <Typography.Text>{eventText(e)}</Typography.Text>
                  {e.title && <Typography.Text strong>{e.title}</Typography.Text>}
                  {more && <Typography.Text>{more}</Typography.Text>}
                </Space>
                {e.detail && <div><Typography.Text>{e.detail}</Typography.Text></div>}
                <div>
                  <Typography.Text style={{ color: '#595959', fontSize: 12 }}>
                    {fmtTime(new Date(e.at * 1000).toISOString())} · {e.user_name ?? t('tl.system')}
                  </Typography.Text>
                </div>
              </div>
            ),
          };
        })}
      />
      {next && (
        <Button onClick={() => void loadMore()} loading={loadingMore} data-testid="timeline-more">{t('tl.loadMore')}</Button>
      )}
    </Card>
  );
}
