// Stage settings (admin): the open stages in funnel order with names and win rates
// (PUT /stages), and the out-of-funnel threshold (PUT /sales-settings).
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Input, Result, Space, Table, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { ApiError, api } from '../api';
import { useUser } from '../auth';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { fenToYuanInput, parseYuan } from '../money';
import type { SalesSettings, Stage } from '../salesTypes';
import type { ProblemFieldError } from '../types';

interface Row {
  key: string;
  name_zh: string;
  name_en: string;
  rate: string; // percent, up to 2 decimals
  isNew: boolean;
}

/** "37.5" (percent) → 3750 basis points; null when not 0..100 with ≤ 2 decimals. */
export function percentToBp(s: string): number | null {
  const bp = parseYuan(s); // same shape: a decimal with at most two places, ×100
  return bp !== null && bp <= 10000 ? bp : null;
}

export default function StageSettingsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [threshold, setThreshold] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [stages, settings] = await Promise.all([api.get<Stage[]>('/stages'), api.get<SalesSettings>('/sales-settings')]);
      setRows(
        stages
          .filter((s) => s.kind === 'open')
          .map((s) => ({ key: s.key, name_zh: s.name_zh, name_en: s.name_en, rate: fenToYuanInput(Math.round(s.win_rate * 10000)), isNew: false })),
      );
      setThreshold(fenToYuanInput(settings.out_of_funnel_threshold));
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [t]);

  useEffect(() => {
    if (user.role === 'admin') void load();
  }, [user.role, load]);

  if (user.role !== 'admin') return <Result status="403" title={t('error.forbidden')} />;

  const update = (i: number, patch: Partial<Row>) => setRows((rs) => rs && rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const swap = (i: number, j: number) =>
    setRows((rs) => {
      if (!rs || j < 0 || j >= rs.length) return rs;
      const next = [...rs];
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });

  const saveStages = async () => {
    if (!rows) return;
    setError(null);
    setFieldErrors([]);
    const bad = rows.findIndex((r) => percentToBp(r.rate) === null || !/^[a-z0-9_]{1,40}$/.test(r.key) || !r.name_zh.trim() || !r.name_en.trim());
    if (bad >= 0) {
      setError(t('stages.invalidRow', { n: bad + 1 }));
      return;
    }
    setBusy(true);
    try {
      await api.put<Stage[]>(
        '/stages',
        rows.map((r) => ({ key: r.key, name_zh: r.name_zh.trim(), name_en: r.name_en.trim(), win_rate: (percentToBp(r.rate) ?? 0) / 10000 })),
      );
      message.success(t('common.saved'));
      await load();
    } catch (e) {
      setError(errorMessage(t, e));
      if (e instanceof ApiError) setFieldErrors(e.problem.errors ?? []);
    } finally {
      setBusy(false);
    }
  };

  const saveThreshold = async () => {
    const fen = parseYuan(threshold);
    if (fen === null) {
      setError(t('money.invalid'));
      return;
    }
    setBusy(true);
    try {
      await api.put<SalesSettings>('/sales-settings', { out_of_funnel_threshold: fen });
      message.success(t('common.saved'));
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, marginTop: 0 }}>
        {t('stages.title')}
      </Typography.Title>
      {error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          message={error}
          description={fieldErrors.length ? fieldErrors.map((f) => `${f.field}: ${f.message}`).join('；') : undefined}
          style={{ marginBottom: 16 }}
        />
      )}
      <Card
        title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('stages.open')}</Typography.Title>}
        extra={
          <Button type="primary" onClick={saveStages} loading={busy} data-testid="save-stages">
            {t('common.save')}
          </Button>
        }
        style={{ marginBottom: 16 }}
      >
        <Typography.Paragraph type="secondary">{t('stages.help')}</Typography.Paragraph>
        <Table<Row>
          rowKey={(_, i) => String(i)}
          size="small"
          pagination={false}
          dataSource={rows ?? []}
          loading={rows === null && !error}
          columns={[
            {
              title: t('stages.key'),
              key: 'key',
              render: (_, r, i) => (r.isNew ? <Input aria-label={t('stages.key')} value={r.key} onChange={(e) => update(i, { key: e.target.value.trim() })} style={{ width: 150 }} /> : <code>{r.key}</code>),
            },
            { title: t('stages.nameZh'), key: 'zh', render: (_, r, i) => <Input aria-label={`${t('stages.nameZh')} ${i + 1}`} value={r.name_zh} onChange={(e) => update(i, { name_zh: e.target.value })} /> },
            { title: t('stages.nameEn'), key: 'en', render: (_, r, i) => <Input aria-label={`${t('stages.nameEn')} ${i + 1}`} value={r.name_en} onChange={(e) => update(i, { name_en: e.target.value })} /> },
            {
              title: t('stages.winRate'),
              key: 'rate',
              render: (_, r, i) => (
                <Input aria-label={`${t('stages.winRate')} ${i + 1}`} value={r.rate} suffix="%" status={percentToBp(r.rate) === null ? 'error' : undefined} onChange={(e) => update(i, { rate: e.target.value })} style={{ width: 110 }} />
              ),
            },
            {
              title: t('common.actions'),
              key: 'a',
              render: (_, __, i) => (
                <Space>
                  <Button size="small" icon={<ArrowUpOutlined aria-hidden />} aria-label={t('stages.up')} disabled={i === 0} onClick={() => swap(i, i - 1)} />
                  <Button size="small" icon={<ArrowDownOutlined aria-hidden />} aria-label={t('stages.down')} disabled={i === (rows?.length ?? 0) - 1} onClick={() => swap(i, i + 1)} />
                  <Button size="small" danger icon={<DeleteOutlined aria-hidden />} aria-label={t('common.remove')} onClick={() => setRows((rs) => rs && rs.filter((_, j) => j !== i))} />
                </Space>
              ),
            },
          ]}
        />
        <Button style={{ marginTop: 12 }} icon={<PlusOutlined aria-hidden />} onClick={() => setRows((rs) => [...(rs ?? []), { key: '', name_zh: '', name_en: '', rate: '0', isNew: true }])}>
          {t('stages.add')}
        </Button>
      </Card>
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('stages.threshold')}</Typography.Title>}>
        <Typography.Paragraph type="secondary">{t('stages.thresholdHelp')}</Typography.Paragraph>
        <Space>
          <Input aria-label={t('stages.threshold')} prefix="¥" value={threshold} onChange={(e) => setThreshold(e.target.value)} style={{ width: 200 }} />
          <Button onClick={saveThreshold} loading={busy} data-testid="save-threshold">
            {t('common.save')}
          </Button>
        </Space>
      </Card>
    </>
  );
}
