// One opportunity: its fields (edited with PATCH + If-Match), the stage steps with
// move buttons, MAN flags and advice, stage history, the stage's playbook, the
// buying centre with its decision-chain diagram, and the payment plan once won.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Form, Input, Modal, Result, Row, Select, Space, Spin, Steps, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api, isVersionConflict } from '../api';
import { canChooseOwner, canWriteCustomers, useUser } from '../auth';
import { FormErrorAlert } from '../components/FormErrors';
import { useRefData } from '../data';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { fenToYuanInput, formatFen, formatRate, parseYuan, yuanValidator } from '../money';
import type { Opportunity, OpportunityEvent } from '../salesTypes';
import type { ProblemFieldError } from '../types';
import { BuyingCentreCard } from '../sales/BuyingCentreCard';
import { LossReasonModal } from '../sales/LossReasonModal';
import { PaymentPlanCard } from '../sales/PaymentPlanCard';
import { PlaybookCard } from '../sales/PlaybookCard';
import { useStages } from '../sales/useStages';
import { OPP_STATUS_COLOURS } from '../sales/colours';

interface EditValues {
  title: string;
  amount: string;
  expected_close: string;
  owner_user_id: number | null;
  competitor: string;
  next_step: string;
  notes: string;
}

export default function OpportunityPage() {
  const { id } = useParams();
  const { t, lang, fmtTime } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const user = useUser();
  const { users } = useRefData();
  const stages = useStages();
  const [opp, setOpp] = useState<Opportunity | null>(null);
  const [history, setHistory] = useState<OpportunityEvent[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [losing, setLosing] = useState(false);
  const [editing, setEditing] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const [form] = Form.useForm<EditValues>();

  const load = useCallback(async () => {
    try {
      const [o, h] = await Promise.all([api.get<Opportunity>(`/opportunities/${id}`), api.get<OpportunityEvent[]>(`/opportunities/${id}/history`)]);
      setOpp(o);
      setHistory(h);
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, [id]);

  useEffect(() => {
    setOpp(null);
    void load();
  }, [load]);

  if (loadError) {
    const notFound = loadError instanceof ApiError && (loadError.status === 404 || loadError.status === 400);
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={<Typography.Title level={1} style={{ fontSize: 22 }}>{notFound ? t('opp.notFound') : t('error.pageTitle')}</Typography.Title>}
        subTitle={notFound ? undefined : errorMessage(t, loadError)}
        extra={<Button type="primary" onClick={() => navigate('/pipeline')}>{t('opp.back')}</Button>}
      />
    );
  }
  if (!opp) {
    return (
      <div style={{ padding: 48, textAlign: 'center' }} role="status">
        <Spin />
        <div style={{ marginTop: 8 }}>{t('common.loading')}</div>
      </div>
    );
  }

  const writable = canWriteCustomers(user.role);
  const o = opp;

  const patch = async (body: Record<string, unknown>, okMessage = t('common.saved')): Promise<boolean> => {
    setBusy(true);
    try {
      await api.patch<Opportunity>(`/opportunities/${o.id}`, body, o.version);
      message.success(okMessage);
      await load();
      return true;
    } catch (e) {
      if (isVersionConflict(e)) {
        message.warning(t('opp.conflict'));
        await load();
      } else {
        message.error(errorMessage(t, e));
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  const moveTo = (stage: string) => {
    if (stage === 'lost') setLosing(true);
    else void patch({ stage }, t('pipeline.moved', { title: o.title, stage: stages.name(stage) }));
  };

  const openIdx = stages.open.findIndex((s) => s.key === o.stage);
  const stepItems = [...stages.open.map((s) => ({ title: stages.name(s.key), description: formatRate(s.win_rate, 0) })), { title: o.stage === 'lost' ? stages.name('lost') : stages.name('won'), description: '' }];
  const current = o.status === 'open' ? openIdx : stages.open.length;

  const startEdit = () => {
    setFormError(null);
    setFieldErrors([]);
    form.setFieldsValue({
      title: o.title,
      amount: fenToYuanInput(o.amount),
      expected_close: o.expected_close,
      owner_user_id: o.owner_user_id,
      competitor: o.competitor,
      next_step: o.next_step,
      notes: o.notes,
    });
    setEditing(true);
  };

  const saveEdit = async (v: EditValues) => {
    const next: Record<string, unknown> = {
      title: v.title.trim(),
      amount: parseYuan(v.amount) ?? 0,
      expected_close: v.expected_close,
      competitor: v.competitor ?? '',
      next_step: v.next_step ?? '',
      notes: v.notes ?? '',
      ...(canChooseOwner(user.role) ? { owner_user_id: v.owner_user_id ?? null } : {}),
    };
    const body: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(next)) if ((o as unknown as Record<string, unknown>)[k] !== val) body[k] = val;
    if (Object.keys(body).length === 0) {
      setEditing(false);
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      await api.patch<Opportunity>(`/opportunities/${o.id}`, body, o.version);
      message.success(t('common.saved'));
      setEditing(false);
      await load();
    } catch (e) {
      if (isVersionConflict(e)) {
        setFormError(t('opp.conflict'));
        await load();
      } else {
        setFormError(errorMessage(t, e));
        if (e instanceof ApiError) setFieldErrors(applyFieldErrors(form, e.problem.errors));
      }
    } finally {
      setBusy(false);
    }
  };

  const advice = lang === 'en' ? o.man.advice_en : o.man.advice_zh;
  const none = t('common.none');
  const stageEvents = history.filter((h) => h.kind === 'stage' || h.kind === 'create');

  return (
    <>
      <Link to="/pipeline">
        <ArrowLeftOutlined aria-hidden /> {t('opp.back')}
      </Link>
      <Space style={{ width: '100%', justifyContent: 'space-between', margin: '12px 0 16px' }} wrap align="center">
        <Space align="center" wrap>
          <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }} data-testid="opp-title">
            {o.title}
          </Typography.Title>
          <Tag color={OPP_STATUS_COLOURS[o.status]} data-testid="opp-status">
            {stages.name(o.stage)}
          </Tag>
        </Space>
        {writable && (
          <Space wrap>
            <Button type="primary" onClick={startEdit} data-testid="edit-opportunity">
              {t('common.edit')}
            </Button>
          </Space>
        )}
      </Space>

      <Card style={{ marginBottom: 16 }}>
        <Steps
          size="small"
          current={current}
          status={o.status === 'lost' ? 'error' : o.status === 'won' ? 'finish' : 'process'}
          items={stepItems}
          data-testid="stage-steps"
        />
        {writable && (
          <Space wrap style={{ marginTop: 16 }}>
            {o.status === 'open' && openIdx > 0 && (
              <Button disabled={busy} onClick={() => moveTo(stages.open[openIdx - 1].key)}>
                {t('opp.moveBack', { stage: stages.name(stages.open[openIdx - 1].key) })}
              </Button>
            )}
            {o.status === 'open' && openIdx >= 0 && openIdx < stages.open.length - 1 && (
              <Button type="primary" disabled={busy} onClick={() => moveTo(stages.open[openIdx + 1].key)} data-testid="move-next">
                {t('opp.moveNext', { stage: stages.name(stages.open[openIdx + 1].key) })}
              </Button>
            )}
            {o.status === 'open' && (
              <>
                <Button disabled={busy} onClick={() => moveTo('won')} data-testid="move-won" style={{ color: '#1d6b32', borderColor: '#1d6b32' }}>
                  {t('opp.markWon')}
                </Button>
                <Button danger disabled={busy} onClick={() => moveTo('lost')} data-testid="move-lost">
                  {t('opp.markLost')}
                </Button>
              </>
            )}
            {o.status !== 'open' && stages.open.length > 0 && (
              <Button disabled={busy} onClick={() => moveTo(stages.open[stages.open.length - 1].key)}>
                {t('opp.reopen')}
              </Button>
            )}
          </Space>
        )}
      </Card>

      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('opp.details')}</Typography.Title>} style={{ marginBottom: 16 }}>
            <Descriptions bordered size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('opp.customer')}>
                <Link to={`/customers/${o.customer_id}`}>{o.customer_name}</Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('opp.amount')}>
                <span data-testid="opp-amount">{formatFen(o.amount)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('opp.winRate')}>{formatRate(o.win_rate)}</Descriptions.Item>
              <Descriptions.Item label={t('opp.weighted')}>{formatFen(o.weighted_amount)}</Descriptions.Item>
              <Descriptions.Item label={t('opp.expectedClose')}>{o.expected_close}</Descriptions.Item>
              <Descriptions.Item label={t('opp.owner')}>{o.owner_name || t('opp.noOwner')}</Descriptions.Item>
              <Descriptions.Item label={t('opp.daysInStage')}>{o.days_in_stage}</Descriptions.Item>
              <Descriptions.Item label={t('opp.closedOn')}>{o.closed_on || none}</Descriptions.Item>
              <Descriptions.Item label={t('opp.competitor')}>{o.competitor || none}</Descriptions.Item>
              <Descriptions.Item label={t('opp.nextStep')}>{o.next_step || none}</Descriptions.Item>
              {o.status === 'lost' && (
                <Descriptions.Item label={t('opp.lossReason')} span={2}>
                  <span data-testid="opp-loss-reason">{o.loss_reason}</span>
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('opp.notes')} span={2}>
                {o.notes ? <pre className="gx-pre">{o.notes}</pre> : none}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('opp.man')}</Typography.Title>} style={{ marginBottom: 16 }}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                {(['money', 'authority', 'need'] as const).map((flag) => (
                  <Checkbox key={flag} checked={o[flag]} disabled={!writable || busy} onChange={(e) => void patch({ [flag]: e.target.checked })} data-testid={`man-${flag}`}>
                    {t(`opp.${flag}`)}
                  </Checkbox>
                ))}
              </Space>
              <Alert
                type={o.man.action === 'pursue' ? 'success' : o.man.action === 'stop' ? 'error' : 'warning'}
                message={
                  <Space>
                    <Tag style={{ fontFamily: 'monospace' }} data-testid="man-code">
                      {o.man.code}
                    </Tag>
                    <span data-testid="man-advice">{advice}</span>
                  </Space>
                }
              />
            </Space>
          </Card>
          <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('opp.history')}</Typography.Title>} style={{ marginBottom: 16 }}>
            <div data-testid="stage-history">
              <Timeline
                items={stageEvents.map((h) => ({
                  color: h.to_stage === 'lost' ? 'red' : h.to_stage === 'won' ? 'green' : 'blue',
                  children: (
                    <div>
                      <div>{h.kind === 'create' ? t('opp.historyCreated', { stage: stages.name(h.to_stage) }) : `${stages.name(h.from_stage)} → ${stages.name(h.to_stage)}`}</div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {fmtTime(h.at)} · {h.user_login || none} · {formatFen(h.amount)}
                      </Typography.Text>
                    </div>
                  ),
                }))}
              />
            </div>
          </Card>
        </Col>
      </Row>

      {o.status === 'open' && <PlaybookCard opportunityId={o.id} stage={o.stage} />}
      <BuyingCentreCard opportunityId={o.id} customerId={o.customer_id} writable={writable} />
      {(o.status === 'won' || o.stage === 'collect_payment') && <PaymentPlanCard owner={`/opportunities/${o.id}`} writable={writable} />}

      <LossReasonModal
        open={losing}
        title={o.title}
        busy={busy}
        onCancel={() => setLosing(false)}
        onSubmit={async (reason) => {
          if (await patch({ stage: 'lost', loss_reason: reason }, t('pipeline.moved', { title: o.title, stage: stages.name('lost') }))) setLosing(false);
        }}
      />
      <Modal open={editing} title={t('opp.edit')} onCancel={() => setEditing(false)} onOk={() => form.submit()} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={busy} forceRender>
        <FormErrorAlert message={formError} fieldErrors={fieldErrors} />
        <Form form={form} layout="vertical" onFinish={saveEdit}>
          <Form.Item name="title" label={t('opp.title')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('opp.title') }) }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="amount" label={t('opp.amountYuan')} rules={[{ required: true, message: t('common.required', { field: t('opp.amount') }) }, { validator: yuanValidator(t('money.invalid')) }]}>
            <Input inputMode="decimal" prefix="¥" />
          </Form.Item>
          <Form.Item name="expected_close" label={t('opp.expectedClose')} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          {canChooseOwner(user.role) && (
            <Form.Item name="owner_user_id" label={t('opp.owner')}>
              <Select allowClear showSearch optionFilterProp="label" options={users.filter((u) => !u.disabled).map((u) => ({ value: u.id, label: u.display_name || u.login }))} />
            </Form.Item>
          )}
          <Form.Item name="competitor" label={t('opp.competitor')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="next_step" label={t('opp.nextStep')}>
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item name="notes" label={t('opp.notes')}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
