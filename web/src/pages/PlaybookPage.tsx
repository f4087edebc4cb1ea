// The playbook (话术库): entries filtered by stage, situation, kind and locale, grouped
// by situation; everyone reads, admins and managers create, edit and delete.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Empty, Form, Input, Modal, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { ApiError, api, isVersionConflict, qs } from '../api';
import { useUser } from '../auth';
import { FormErrorAlert } from '../components/FormErrors';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { PlaybookEntry } from '../salesTypes';
import type { ProblemFieldError } from '../types';
import { PlaybookBody, ffabLines } from '../sales/PlaybookCard';
import { useStages } from '../sales/useStages';
import { TAG } from '../sales/colours';

/** The wire entry with the version PATCH needs in If-Match. */
type Entry = PlaybookEntry & { version: number };

export const SITUATIONS = ['no_need', 'have_supplier', 'wrong_person', 'no_budget', 'price_too_high', 'unhappy_before', 'general'] as const;
const KINDS = ['objection', 'ffab', 'tip'] as const;
const LOCALES = ['zh', 'en'] as const;

interface Values {
  stage: string;
  situation: string;
  kind: string;
  locale: string;
  title: string;
  body: string;
}

/** The entries that match the stage and kind filters ("" = any); a stage also matches entries for every stage. */
export function filterEntries(entries: Entry[], stage: string, kind: string): Entry[] {
  return entries.filter((e) => (!stage || e.stage === stage || e.stage === '') && (!kind || e.kind === kind));
}

export default function PlaybookPage() {
  const { t, lang, label } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const stages = useStages();
  const writable = user.role === 'admin' || user.role === 'manager';
  const uiLocale = lang === 'en' ? 'en' : 'zh';
  const [stage, setStage] = useState('');
  const [situation, setSituation] = useState('');
  const [kind, setKind] = useState('');
  const [locale, setLocale] = useState<string>(uiLocale);
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Entry | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const [form] = Form.useForm<Values>();
  const formKind = Form.useWatch('kind', form);
  const formBody = Form.useWatch('body', form) ?? '';

  // The locale filter follows the UI language when that changes.
  useEffect(() => setLocale(uiLocale), [uiLocale]);

  const load = useCallback(async () => {
    try {
      setEntries(await api.get<Entry[]>(`/playbook${qs({ situation, locale })}`));
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [situation, locale, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const open = (e: Entry | 'new') => {
    setFormError(null);
    setFieldErrors([]);
    form.resetFields();
    form.setFieldsValue(
      e === 'new'
        ? { stage, situation: situation || 'general', kind: kind || 'objection', locale, title: '', body: '' }
        : { stage: e.stage, situation: e.situation, kind: e.kind, locale: e.locale, title: e.title, body: e.body },
    );
    setEditing(e);
  };

  const save = async (v: Values) => {
    setBusy(true);
    setFormError(null);
    setFieldErrors([]);
    const body = { stage: v.stage, situation: v.situation, kind: v.kind, locale: v.locale, title: v.title.trim(), body: v.body.trim() };
    try {
      if (editing === 'new') await api.post<Entry>('/playbook', body);
      else if (editing) await api.patch<Entry>(`/playbook/${editing.id}`, body, editing.version);
      message.success(t('common.saved'));
      setEditing(null);
      await load();
    } catch (e) {
      if (isVersionConflict(e)) {
        // Put the current text in the form so the user edits from it.
        const current = await api.get<Entry[]>('/playbook').catch(() => null);
        const fresh = current?.find((x) => editing !== 'new' && editing !== null && x.id === editing.id);
        if (fresh) {
          form.setFieldsValue({ stage: fresh.stage, situation: fresh.situation, kind: fresh.kind, locale: fresh.locale, title: fresh.title, body: fresh.body });
          setEditing(fresh);
        }
        setFormError(t('playbookPage.conflict'));
        await load();
      } else {
        setFormError(errorMessage(t, e));
        if (e instanceof ApiError) setFieldErrors(applyFieldErrors(form, e.problem.errors));
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async (e: Entry) => {
    try {
      await api.del(`/playbook/${e.id}`);
      message.success(t('common.deleted'));
    } catch (err) {
      message.error(errorMessage(t, err));
    }
    await load();
  };

  const stageName = (key: string) => (key ? stages.name(key) : t('playbookPage.allStages'));
  const shown = filterEntries(entries ?? [], stage, kind);
  const groups = SITUATIONS.filter((s) => shown.some((e) => e.situation === s));
  const ffabCount = ffabLines(formBody).length;

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }}>
          {t('playbookPage.title')}
        </Typography.Title>
        {writable && (
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => open('new')} data-testid="create-playbook">
            {t('playbookPage.create')}
          </Button>
        )}
      </Space>
      <Space wrap className="gx-filters" style={{ marginBottom: 8 }}>
        <Select
          aria-label={t('playbookPage.stage')}
          value={stage}
          onChange={setStage}
          style={{ minWidth: 160 }}
          options={[{ value: '', label: `${t('playbookPage.stage')}${t('common.colon')}${t('common.all')}` }, ...stages.open.map((s) => ({ value: s.key, label: stages.name(s.key) }))]}
        />
        <Select
          aria-label={t('playbookPage.situation')}
          value={situation}
          onChange={setSituation}
          style={{ minWidth: 180 }}
          options={[{ value: '', label: `${t('playbookPage.situation')}${t('common.colon')}${t('common.all')}` }, ...SITUATIONS.map((s) => ({ value: s, label: label('situation', s) }))]}
        />
        <Select
          aria-label={t('playbookPage.kind')}
          value={kind}
          onChange={setKind}
          style={{ minWidth: 140 }}
          options={[{ value: '', label: `${t('playbookPage.kind')}${t('common.colon')}${t('common.all')}` }, ...KINDS.map((k) => ({ value: k, label: label('playbook_kind', k) }))]}
        />
        <Select
          aria-label={t('playbookPage.locale')}
          value={locale}
          onChange={setLocale}
          style={{ minWidth: 110 }}
          options={LOCALES.map((l) => ({ value: l, label: t(`playbookPage.locale.${l}`) }))}
        />
      </Space>
      <Typography.Paragraph type="secondary">{t('playbookPage.stageFilterHelp')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      {entries && groups.length === 0 && <Empty description={t('playbookPage.empty')} />}
      {groups.map((s) => (
        <Card
          key={s}
          title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{label('situation', s)}</Typography.Title>}
          style={{ marginBottom: 16 }}
          data-testid={`playbook-group-${s}`}
        >
          {shown
            .filter((e) => e.situation === s)
            .map((e) => (
              <section key={e.id} aria-label={e.title} data-testid="playbook-entry" style={{ marginBottom: 16 }}>
                <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
                  <Space wrap>
                    <Typography.Text strong>{e.title}</Typography.Text>
                    <Tag>{label('playbook_kind', e.kind)}</Tag>
                    <Tag color={e.stage ? TAG.blue : TAG.grey}>{stageName(e.stage)}</Tag>
                  </Space>
                  {writable && (
                    <Space>
                      <Button size="small" icon={<EditOutlined aria-hidden />} onClick={() => open(e)} aria-label={`${t('common.edit')} ${e.title}`}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('playbookPage.deleteConfirm', { title: e.title })}
                        okText={t('common.delete')}
                        cancelText={t('common.cancel')}
                        okButtonProps={{ danger: true }}
                        onConfirm={() => remove(e)}
                      >
                        <Button size="small" danger icon={<DeleteOutlined aria-hidden />} aria-label={`${t('common.delete')} ${e.title}`}>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  )}
                </Space>
                <PlaybookBody kind={e.kind} body={e.body} />
              </section>
            ))}
        </Card>
      ))}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('playbookPage.create') : t('playbookPage.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        width={640}
        forceRender
      >
        <FormErrorAlert message={formError} fieldErrors={fieldErrors} />
        <Form form={form} layout="vertical" onFinish={save}>
          <Form.Item name="stage" label={t('playbookPage.stage')}>
            <Select options={[{ value: '', label: t('playbookPage.allStages') }, ...stages.open.map((s) => ({ value: s.key, label: stages.name(s.key) }))]} />
          </Form.Item>
          {/* situation, kind and locale always hold a value (and the server checks them) */}
          <Space wrap size="middle">
            <Form.Item name="situation" label={t('playbookPage.situation')}>
              <Select style={{ minWidth: 180 }} options={SITUATIONS.map((s) => ({ value: s, label: label('situation', s) }))} />
            </Form.Item>
            <Form.Item name="kind" label={t('playbookPage.kind')}>
              <Select style={{ minWidth: 140 }} options={KINDS.map((k) => ({ value: k, label: label('playbook_kind', k) }))} />
            </Form.Item>
            <Form.Item name="locale" label={t('playbookPage.locale')}>
              <Select style={{ minWidth: 110 }} options={LOCALES.map((l) => ({ value: l, label: t(`playbookPage.locale.${l}`) }))} />
            </Form.Item>
          </Space>
          <Form.Item name="title" label={t('playbookPage.entryTitle')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('playbookPage.entryTitle') }) }]}>
            <Input maxLength={200} />
          </Form.Item>
          {formKind === 'ffab' && <Alert type="info" showIcon message={t('playbookPage.ffabHint')} style={{ marginBottom: 12 }} data-testid="ffab-hint" />}
          <Form.Item
            name="body"
            label={t('playbookPage.body')}
            rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('playbookPage.body') }) }]}
            extra={formKind === 'ffab' && ffabCount !== 4 && formBody.trim() !== '' ? t('playbookPage.ffabLineCount', { n: ffabCount }) : undefined}
          >
            <Input.TextArea autoSize={{ minRows: 4, maxRows: 14 }} maxLength={10000} />
          </Form.Item>
          {formKind === 'ffab' && formBody.trim() !== '' && (
            <Card size="small" title={t('playbookPage.preview')} data-testid="ffab-preview">
              <PlaybookBody kind="ffab" body={formBody} />
            </Card>
          )}
        </Form>
      </Modal>
    </>
  );
}
