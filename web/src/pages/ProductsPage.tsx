// Products: list (search, active filter), create and edit (admin, manager).
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { ApiError, api, getAll, isVersionConflict, qs } from '../api';
import { useUser } from '../auth';
import { FormErrorAlert } from '../components/FormErrors';
import { applyFieldErrors, errorMessage } from '../errors';
import { useDebounced } from '../hooks';
import { useI18n } from '../i18n';
import { fenToYuanInput, formatFen, parseYuan, yuanValidator } from '../money';
import type { Product } from '../salesTypes';
import type { ProblemFieldError } from '../types';
import { TAG } from '../sales/colours';

interface Values {
  code: string;
  name: string;
  category: string;
  list_price: string;
  active: boolean;
}

export default function ProductsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const [q, setQ] = useState('');
  const [active, setActive] = useState<string>('true');
  const query = useDebounced(q, 250);
  const [products, setProducts] = useState<Product[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const [form] = Form.useForm<Values>();
  const writable = user.role === 'admin' || user.role === 'manager';

  const load = useCallback(async () => {
    try {
      setProducts(await getAll<Product>(`/products${qs({ q: query, active })}`));
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [query, active, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const open = (p: Product | 'new') => {
    setFormError(null);
    setFieldErrors([]);
    form.setFieldsValue(
      p === 'new'
        ? { code: '', name: '', category: '', list_price: '', active: true }
        : { code: p.code, name: p.name, category: p.category, list_price: fenToYuanInput(p.list_price), active: p.active },
    );
    setEditing(p);
  };

  const save = async (v: Values) => {
    setBusy(true);
    setFormError(null);
    const body = { code: v.code.trim(), name: v.name.trim(), category: v.category?.trim() ?? '', list_price: parseYuan(v.list_price) ?? 0, active: v.active };
    try {
      if (editing === 'new') await api.post<Product>('/products', body);
      else if (editing) await api.patch<Product>(`/products/${editing.id}`, body, editing.version);
      message.success(t('common.saved'));
      setEditing(null);
      await load();
    } catch (e) {
      setFormError(isVersionConflict(e) ? t('products.conflict') : errorMessage(t, e));
      if (e instanceof ApiError) setFieldErrors(applyFieldErrors(form, e.problem.errors));
      if (isVersionConflict(e)) await load();
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }}>
          {t('products.title')}
        </Typography.Title>
        {writable && (
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => open('new')} data-testid="create-product">
            {t('products.create')}
          </Button>
        )}
      </Space>
      <Space wrap className="gx-filters" style={{ marginBottom: 16 }}>
        <Input.Search aria-label={t('products.search')} addonBefore={t('products.search')} allowClear value={q} onChange={(e) => setQ(e.target.value)} />
        <Select
          aria-label={t('products.active')}
          value={active}
          onChange={setActive}
          style={{ minWidth: 120 }}
          options={[
            { value: 'true', label: t('products.activeOnly') },
            { value: 'false', label: t('products.inactiveOnly') },
            { value: '', label: t('common.all') },
          ]}
        />
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Table<Product>
        rowKey="id"
        dataSource={products ?? []}
        loading={products === null && !error}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        data-testid="products-table"
        columns={[
          { title: t('products.code'), dataIndex: 'code' },
          { title: t('products.name'), dataIndex: 'name' },
          { title: t('products.category'), dataIndex: 'category' },
          { title: t('products.listPrice'), key: 'price', align: 'right', render: (_, p) => formatFen(p.list_price) },
          { title: t('products.active'), key: 'active', render: (_, p) => (p.active ? <Tag color={TAG.green}>{t('products.activeTag')}</Tag> : <Tag>{t('products.inactiveTag')}</Tag>) },
          ...(writable
            ? [{ title: t('common.actions'), key: 'a', render: (_: unknown, p: Product) => <Button size="small" onClick={() => open(p)}>{t('common.edit')}</Button> }]
            : []),
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('products.create') : t('products.edit')} onCancel={() => setEditing(null)} onOk={() => form.submit()} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={busy} forceRender>
        <FormErrorAlert message={formError} fieldErrors={fieldErrors} />
        <Form form={form} layout="vertical" onFinish={save}>
          <Form.Item name="code" label={t('products.code')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('products.code') }) }]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="name" label={t('products.name')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('products.name') }) }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="category" label={t('products.category')}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="list_price" label={t('products.listPriceYuan')} rules={[{ required: true, message: t('common.required', { field: t('products.listPrice') }) }, { validator: yuanValidator(t('money.invalid')) }]}>
            <Input inputMode="decimal" prefix="¥" />
          </Form.Item>
          <Form.Item name="active" label={t('products.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
