// Administration (admins only): users, teams, the audit log and background jobs.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Popconfirm, Result, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { ApiError, api, getAll, isVersionConflict, qs, request } from '../api';
import { useUser } from '../auth';
import { FormErrorAlert } from '../components/FormErrors';
import { useOptions } from '../components/CustomerFields';
import { useRefData } from '../data';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { AuditEntry, Page, ProblemFieldError, Role, Team, User } from '../types';
import JobsTab from './JobsTab';

export default function AdminPage() {
  const { t } = useI18n();
  const user = useUser();
  if (user.role !== 'admin') {
    return (
      <Result
        status="403"
        title={
          <Typography.Title level={1} style={{ fontSize: 22 }}>
            {t('admin.forbidden')}
          </Typography.Title>
        }
      />
    );
  }
  return <AdminTabs />;
}

function AdminTabs() {
  const { t } = useI18n();
  // Both tabs share the team list, so a team created on one shows up in the other's pickers.
  const teams = useTeams();
  return (
    <>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24 }}>
        {t('admin.title')}
      </Typography.Title>
      <Tabs
        defaultActiveKey="users"
        items={[
          { key: 'users', label: t('admin.users'), children: <UsersTab teams={teams} /> },
          { key: 'teams', label: t('admin.teams'), children: <TeamsTab teams={teams} /> },
          { key: 'audit', label: t('admin.audit'), children: <AuditTab /> },
          { key: 'jobs', label: t('jobs.tab'), children: <JobsTab /> },
        ]}
      />
    </>
  );
}

interface TeamsState {
  teams: Team[];
  reload: () => Promise<void>;
}

function useTeams(): TeamsState {
  const [teams, setTeams] = useState<Team[]>([]);
  const reload = useCallback(async () => {
    setTeams(await getAll<Team>('/teams'));
  }, []);
  return { teams, reload };
}

/** Shared state of a modal form that talks to the API. */
function useFormState<V extends object>() {
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const { t } = useI18n();
  const reset = () => {
    form.resetFields();
    setError(null);
    setFieldErrors([]);
  };
  const run = async (fn: () => Promise<void>, on409?: () => void) => {
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    try {
      await fn();
    } catch (e) {
      if (isVersionConflict(e) && on409) on409();
      if (e instanceof ApiError && e.problem.errors?.length) setFieldErrors(applyFieldErrors(form, e.problem.errors));
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };
  return { form, busy, error, fieldErrors, reset, run };
}

interface UserValues {
  login: string;
  display_name: string;
  role: Role;
  team_id?: number;
  password: string;
}

function UsersTab({ teams: { teams, reload: reloadTeams } }: { teams: TeamsState }) {
  const { t, label, fmtTime } = useI18n();
  const { message } = App.useApp();
  const { meta, reloadUsers } = useRefData();
  const me = useUser();
  const options = useOptions();
  const [users, setUsers] = useState<User[]>([]);
  const [loading, setLoading] = useState(true);
  const [listError, setListError] = useState<string | null>(null);
  const [mode, setMode] = useState<{ kind: 'create' } | { kind: 'edit'; user: User } | { kind: 'password'; user: User } | null>(null);
  const f = useFormState<UserValues>();

  const load = useCallback(async () => {
    setLoading(true);
    setListError(null);
    try {
      const [u] = await Promise.all([getAll<User>('/users'), reloadTeams()]);
      setUsers(u);
    } catch (e) {
      setListError(errorMessage(t, e));
    } finally {
      setLoading(false);
    }
  }, [reloadTeams, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const afterChange = async () => {
    await load();
    await reloadUsers();
  };

  const open = (m: typeof mode) => {
    f.reset();
    setMode(m);
    if (m?.kind === 'edit') f.form.setFieldsValue({ display_name: m.user.display_name, role: m.user.role, team_id: m.user.team_id ?? undefined });
    if (m?.kind === 'create') f.form.setFieldsValue({ role: 'sales' });
  };

  const submit = (v: UserValues) =>
    f.run(
      async () => {
        if (mode?.kind === 'create') {
          await api.post<User>('/users', {
            login: v.login.trim(),
            display_name: (v.display_name ?? '').trim(),
            role: v.role,
            team_id: v.team_id ?? null,
            password: v.password,
          });
          message.success(t('common.created'));
        } else if (mode?.kind === 'edit') {
          await api.patch<User>(
            `/users/${mode.user.id}`,
            { display_name: (v.display_name ?? '').trim(), role: v.role, team_id: v.team_id ?? null },
            mode.user.version,
          );
          message.success(t('common.saved'));
        } else if (mode?.kind === 'password') {
          await api.patch<User>(`/users/${mode.user.id}`, { password: v.password }, mode.user.version);
          message.success(t('admin.passwordReset'));
        }
        setMode(null);
        await afterChange();
      },
      () => {
        message.warning(t('admin.conflict'));
        setMode(null);
        void load();
      },
    );

  const toggleDisabled = async (u: User) => {
    try {
      await api.patch<User>(`/users/${u.id}`, { disabled: !u.disabled }, u.version);
      message.success(t('common.saved'));
    } catch (e) {
      message.error(isVersionConflict(e) ? t('admin.conflict') : errorMessage(t, e));
    }
    await afterChange();
  };

  const teamOptions = teams.map((tm) => ({ value: tm.id, label: tm.name }));
  const columns: ColumnsType<User> = [
    { title: t('admin.login'), dataIndex: 'login', key: 'login' },
    { title: t('admin.displayName'), dataIndex: 'display_name', key: 'display_name' },
    { title: t('admin.role'), dataIndex: 'role', key: 'role', render: (r: string) => label('role', r) },
    { title: t('admin.team'), dataIndex: 'team_name', key: 'team', render: (v: string) => v || t('admin.noTeam') },
    {
      title: t('admin.status'),
      dataIndex: 'disabled',
      key: 'disabled',
      render: (d: boolean) => (d ? <Tag color="red">{t('admin.disabled')}</Tag> : <Tag color="green">{t('admin.enabled')}</Tag>),
    },
    { title: t('admin.createdAt'), dataIndex: 'created_at', key: 'created_at', render: (v: string) => fmtTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, u) => (
        <Space size={0} wrap>
          <Button type="link" onClick={() => open({ kind: 'edit', user: u })} aria-label={`${t('common.edit')} ${u.login}`}>
            {t('common.edit')}
          </Button>
          <Button type="link" onClick={() => open({ kind: 'password', user: u })} aria-label={`${t('admin.resetPassword')} ${u.login}`}>
            {t('admin.resetPassword')}
          </Button>
          {u.id !== me.id &&
            (u.disabled ? (
              <Button type="link" onClick={() => toggleDisabled(u)} aria-label={`${t('admin.enable')} ${u.login}`}>
                {t('admin.enable')}
              </Button>
            ) : (
              <Popconfirm
                title={t('admin.disableConfirm', { name: u.display_name || u.login })}
                okText={t('common.confirm')}
                cancelText={t('common.cancel')}
                onConfirm={() => toggleDisabled(u)}
              >
                <Button type="link" danger aria-label={`${t('admin.disable')} ${u.login}`}>
                  {t('admin.disable')}
                </Button>
              </Popconfirm>
            ))}
        </Space>
      ),
    },
  ];

  const title =
    mode?.kind === 'create'
      ? t('admin.newUser')
      : mode?.kind === 'edit'
        ? t('admin.editUser')
        : mode?.kind === 'password'
          ? t('admin.resetPasswordTitle', { name: mode.user.display_name || mode.user.login })
          : '';

  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open({ kind: 'create' })} data-testid="new-user">
          {t('admin.newUser')}
        </Button>
      </Space>
      {listError && <Alert type="error" showIcon role="alert" message={listError} style={{ marginBottom: 16 }} />}
      <Table<User> rowKey="id" size="middle" columns={columns} dataSource={users} loading={loading} pagination={false} scroll={{ x: 900 }} />
      <Modal
        title={title}
        open={mode !== null}
        onCancel={() => setMode(null)}
        onOk={() => f.form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={f.busy}
        forceRender
      >
        <FormErrorAlert message={f.error} fieldErrors={f.fieldErrors} />
        <Form<UserValues> form={f.form} name="user" layout="vertical" onFinish={submit}>
          {mode?.kind === 'create' && (
            <Form.Item
              label={t('admin.login')}
              name="login"
              rules={[
                { required: true, message: t('common.required', { field: t('admin.login') }) },
                { pattern: /^[a-z0-9][a-z0-9._-]{1,63}$/, message: t('admin.loginInvalid') },
              ]}
            >
              <Input autoComplete="off" />
            </Form.Item>
          )}
          {mode?.kind !== 'password' && (
            <>
              <Form.Item label={t('admin.displayName')} name="display_name" rules={[{ max: 100 }]}>
                <Input />
              </Form.Item>
              <Form.Item label={t('admin.role')} name="role">
                <Select options={options('role', meta.roles)} />
              </Form.Item>
              <Form.Item label={t('admin.team')} name="team_id">
                <Select allowClear placeholder={t('admin.noTeam')} options={teamOptions} />
              </Form.Item>
            </>
          )}
          {(mode?.kind === 'create' || mode?.kind === 'password') && (
            <Form.Item
              label={mode.kind === 'password' ? t('admin.newPassword') : t('admin.password')}
              name="password"
              extra={t('admin.passwordHint')}
              rules={[
                { required: true, message: t('common.required', { field: t('admin.password') }) },
                { min: 8, message: t('admin.passwordTooShort') },
                { max: 256 },
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}

interface TeamValues {
  name: string;
  manager_user_id?: number;
}

function TeamsTab({ teams: { teams, reload } }: { teams: TeamsState }) {
  const { t, fmtTime } = useI18n();
  const { message } = App.useApp();
  const { users, userName, reloadUsers } = useRefData();
  const [loading, setLoading] = useState(true);
  const [listError, setListError] = useState<string | null>(null);
  const [mode, setMode] = useState<{ kind: 'create' } | { kind: 'edit'; team: Team } | null>(null);
  const f = useFormState<TeamValues>();

  const load = useCallback(async () => {
    setLoading(true);
    setListError(null);
    try {
      await reload();
    } catch (e) {
      setListError(errorMessage(t, e));
    } finally {
      setLoading(false);
    }
  }, [reload, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const open = (m: typeof mode) => {
    f.reset();
    setMode(m);
    if (m?.kind === 'edit') f.form.setFieldsValue({ name: m.team.name, manager_user_id: m.team.manager_user_id ?? undefined });
  };

  const submit = (v: TeamValues) =>
    f.run(async () => {
      const body = { name: v.name.trim(), manager_user_id: v.manager_user_id ?? null };
      // Teams carry no version, so no If-Match (API contract).
      if (mode?.kind === 'edit') await request<Team>('PATCH', `/teams/${mode.team.id}`, { body });
      else await api.post<Team>('/teams', body);
      message.success(mode?.kind === 'edit' ? t('common.saved') : t('common.created'));
      setMode(null);
      await load();
      await reloadUsers();
    });

  const managerOptions = users.filter((u) => !u.disabled).map((u) => ({ value: u.id, label: u.display_name || u.login }));
  const columns: ColumnsType<Team> = [
    { title: t('admin.teamName'), dataIndex: 'name', key: 'name' },
    { title: t('admin.manager'), dataIndex: 'manager_user_id', key: 'manager', render: (id: number | null) => (id ? userName(id) : t('admin.noManager')) },
    { title: t('admin.createdAt'), dataIndex: 'created_at', key: 'created_at', render: (v: string) => fmtTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, tm) => (
        <Button type="link" onClick={() => open({ kind: 'edit', team: tm })} aria-label={`${t('common.edit')} ${tm.name}`}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open({ kind: 'create' })} data-testid="new-team">
          {t('admin.newTeam')}
        </Button>
      </Space>
      {listError && <Alert type="error" showIcon role="alert" message={listError} style={{ marginBottom: 16 }} />}
      <Table<Team> rowKey="id" size="middle" columns={columns} dataSource={teams} loading={loading} pagination={false} />
      <Modal
        title={mode?.kind === 'edit' ? t('admin.editTeam') : t('admin.newTeam')}
        open={mode !== null}
        onCancel={() => setMode(null)}
        onOk={() => f.form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={f.busy}
        forceRender
      >
        <FormErrorAlert message={f.error} fieldErrors={f.fieldErrors} />
        <Form<TeamValues> form={f.form} name="team" layout="vertical" onFinish={submit}>
          <Form.Item
            label={t('admin.teamName')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('admin.teamName') }) }, { max: 100 }]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('admin.manager')} name="manager_user_id">
            <Select allowClear showSearch optionFilterProp="label" placeholder={t('admin.noManager')} options={managerOptions} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

const AUDIT_ENTITIES = ['customer', 'contact', 'user', 'team'] as const;

function AuditTab() {
  const { t, label, fmtTime } = useI18n();
  const [entity, setEntity] = useState<string>('customer');
  const [entityId, setEntityId] = useState<number | null>(null);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.get<Page<AuditEntry>>(`/audit${qs({ entity, entity_id: entityId, limit: 50, after })}`);
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setNext(page.next ?? null);
      } catch (e) {
        setError(errorMessage(t, e));
      } finally {
        setLoading(false);
      }
    },
    [entity, entityId, t],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const columns: ColumnsType<AuditEntry> = [
    { title: t('admin.auditAt'), dataIndex: 'at', key: 'at', render: (v: string) => fmtTime(v), width: 150 },
    { title: t('admin.auditUser'), dataIndex: 'user_login', key: 'user', width: 120 },
    { title: t('admin.auditEntity'), key: 'entity', render: (_: unknown, a) => `${label('entity', a.entity)} #${a.entity_id}`, width: 140 },
    { title: t('admin.auditAction'), dataIndex: 'action', key: 'action', render: (v: string) => label('action', v), width: 100 },
    { title: t('admin.auditChanges'), key: 'changes', render: (_: unknown, a) => <AuditChanges before={a.before} after={a.after} /> },
  ];

  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <Select
          aria-label={t('admin.auditEntity')}
          value={entity}
          onChange={setEntity}
          options={AUDIT_ENTITIES.map((e) => ({ value: e, label: label('entity', e) }))}
          style={{ minWidth: 140 }}
        />
        <InputNumber aria-label={t('admin.auditFilterId')} placeholder={t('admin.auditFilterId')} min={1} value={entityId} onChange={(v) => setEntityId(v)} style={{ width: 180 }} />
        <Button onClick={() => load(null)}>{t('common.reload')}</Button>
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Table<AuditEntry> rowKey="id" size="small" columns={columns} dataSource={items} loading={loading} pagination={false} scroll={{ x: 900 }} />
      {next && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={() => load(next)} loading={loading}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}

const IGNORED_AUDIT_KEYS = new Set(['version', 'updated_at', 'created_at', 'id']);

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/** The fields an audit entry changed: "field: before → after" (created/deleted records: their fields). */
function AuditChanges({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useI18n();
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const blank = (v: unknown) => v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (k) => !IGNORED_AUDIT_KEYS.has(k) && JSON.stringify(b[k]) !== JSON.stringify(a[k]) && !(blank(b[k]) && blank(a[k])),
  );
  if (keys.length === 0) return <>{t('common.none')}</>;
  const empty = t('form.emptyValue');
  const show = (v: unknown) => (v === undefined || v === null || v === '' ? empty : short(v));
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {keys.map((k) => (
        <li key={k}>
          <code>{k}</code>: {k in b && before ? `${show(b[k])} → ` : ''}
          {show(a[k])}
        </li>
      ))}
    </ul>
  );
}
