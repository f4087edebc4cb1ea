// My account: who I am, and my API tokens (create → shown once, list, revoke).
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { api } from '../api';
import { useUser } from '../auth';
import { FormErrorAlert } from '../components/FormErrors';
import { useRefData } from '../data';
import { ApiError } from '../api';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { ApiToken, NewApiToken, ProblemFieldError } from '../types';

export default function AccountPage() {
  const { t, label } = useI18n();
  const user = useUser();
  const { users } = useRefData();
  const me = users.find((u) => u.id === user.id);

  return (
    <>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24 }}>
        {t('account.title')}
      </Typography.Title>
      <Card
        title={
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
            {t('account.profile')}
          </Typography.Title>
        }
        style={{ marginBottom: 16 }}
      >
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('admin.login')}>{user.login}</Descriptions.Item>
          <Descriptions.Item label={t('admin.displayName')}>{user.display_name || t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('admin.role')}>{label('role', user.role)}</Descriptions.Item>
          <Descriptions.Item label={t('admin.team')}>{me?.team_name || t('admin.noTeam')}</Descriptions.Item>
        </Descriptions>
      </Card>
      <TokensCard />
    </>
  );
}

function TokensCard() {
  const { t, fmtTime } = useI18n();
  const { message } = App.useApp();
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<NewApiToken | null>(null);
  const [form] = Form.useForm<{ name: string }>();
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setTokens((await api.get<{ items: ApiToken[] }>('/tokens')).items);
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setLoading(false);
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const create = async (v: { name: string }) => {
    setBusy(true);
    setFormError(null);
    setFieldErrors([]);
    try {
      const tok = await api.post<NewApiToken>('/tokens', { name: v.name.trim() });
      setCreating(false);
      setCreated(tok);
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) setFieldErrors(applyFieldErrors(form, e.problem.errors));
      setFormError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (tok: ApiToken) => {
    try {
      await api.del(`/tokens/${tok.id}`);
      message.success(t('account.revoked'));
    } catch (e) {
      message.error(errorMessage(t, e));
    }
    await load();
  };

  const columns: ColumnsType<ApiToken> = [
    { title: t('account.tokenName'), dataIndex: 'name', key: 'name' },
    { title: t('admin.createdAt'), dataIndex: 'created_at', key: 'created_at', render: (v: string) => fmtTime(v) },
    { title: t('account.lastUsed'), dataIndex: 'last_used_at', key: 'last_used_at', render: (v: string | null) => (v ? fmtTime(v) : t('account.neverUsed')) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, tok) => (
        <Popconfirm
          title={t('account.revokeConfirm', { name: tok.name })}
          okText={t('account.revoke')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => revoke(tok)}
        >
          <Button type="link" danger aria-label={`${t('account.revoke')} ${tok.name}`}>
            {t('account.revoke')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t('account.tokens')}
        </Typography.Title>
      }
      extra={
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            form.resetFields();
            setFormError(null);
            setFieldErrors([]);
            setCreating(true);
          }}
          data-testid="new-token"
        >
          {t('account.newToken')}
        </Button>
      }
    >
      <Typography.Paragraph>{t('account.tokensHelp')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Table<ApiToken> rowKey="id" size="small" columns={columns} dataSource={tokens} loading={loading} pagination={false} locale={{ emptyText: t('account.noTokens') }} />

      <Modal
        title={t('account.newToken')}
        open={creating}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        forceRender
      >
        <FormErrorAlert message={formError} fieldErrors={fieldErrors} />
        <Form form={form} name="token" layout="vertical" onFinish={create}>
          <Form.Item
            label={t('account.tokenName')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('account.tokenName') }) }, { max: 100 }]}
          >
            <Input placeholder={t('account.tokenNamePlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        title={t('account.tokenCreatedTitle')}
        open={created !== null}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)}>
            {t('common.close')}
          </Button>
        }
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('account.tokenCreatedBody')}</Typography.Text>
          <Typography.Paragraph copyable={{ text: created?.token ?? '' }} code data-testid="new-token-value" style={{ wordBreak: 'break-all' }}>
            {created?.token}
          </Typography.Paragraph>
        </Space>
      </Modal>
    </Card>
  );
}
