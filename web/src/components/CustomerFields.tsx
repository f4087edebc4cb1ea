// The customer form's fields, shared by the "new customer" drawer and the edit
// drawer. Client-side rules mirror the server's (src/domain/customer.h); the
// server's 422 field errors are put on the same fields by applyFieldErrors.
// Selects and radio groups that always hold a value carry no "required" rule: antd would put
// aria-required on their wrapper <div>, which axe reports (aria-allowed-attr). The server checks them.
import { Button, Col, Divider, Form, Input, Radio, Row, Select, Space } from 'antd';
import type { Rule } from 'antd/es/form';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useRefData } from '../data';
import { yuanValidator } from '../money';
import { charCount, isValidCareDate, looksLikeEmail, looksLikePhone } from '../errors';
import { useI18n, type MessageKey, type Vocabulary } from '../i18n';

export const LIMITS = { name: 200, short: 100, notes: 10000, tags: 50, careDates: 50, tag: 100 } as const;

export function useOptions() {
  const { label } = useI18n();
  return (vocab: Vocabulary, values: string[]) => values.map((v) => ({ value: v, label: label(vocab, v) }));
}

export function CustomerFields({ chooseOwner }: { chooseOwner: boolean }) {
  const { t, label } = useI18n();
  const { meta, users } = useRefData();
  const options = useOptions();

  const maxLen = (key: MessageKey, max: number): Rule => ({
    validator: (_r, v: string | undefined) =>
      v && charCount(v) > max ? Promise.reject(new Error(t('common.tooLong', { field: t(key), max }))) : Promise.resolve(),
  });

  const ownerOptions = users
    .filter((u) => !u.disabled && (u.role === 'sales' || u.role === 'manager' || u.role === 'admin'))
    .map((u) => ({ value: u.id, label: `${u.display_name || u.login} (${label('role', u.role)})` }));

  return (
    <>
      <Divider orientation="left" plain>
        {t('form.basic')}
      </Divider>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.kind')} name="kind">
            <Radio.Group options={options('kind', meta.kinds)} optionType="button" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            label={t('customer.name')}
            name="name"
            rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('customer.name') }) }, maxLen('customer.name', LIMITS.name)]}
          >
            <Input placeholder={t('form.namePlaceholder')} data-testid="customer-name-input" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.industry')} name="industry" rules={[maxLen('customer.industry', LIMITS.short)]}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.size')} name="size">
            <Select allowClear placeholder={t('form.selectPlaceholder')} options={options('size', meta.sizes)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.province')} name="province">
            <Select
              allowClear
              showSearch
              placeholder={t('form.selectPlaceholder')}
              options={meta.provinces.map((p) => ({ value: p, label: p }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.city')} name="city" rules={[maxLen('customer.city', LIMITS.short)]}>
            <Input />
          </Form.Item>
        </Col>
      </Row>

      <Divider orientation="left" plain>
        {t('form.classification')}
      </Divider>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.source')} name="source">
            <Select allowClear placeholder={t('form.selectPlaceholder')} options={options('source', meta.sources)} />
          </Form.Item>
        </Col>
        {chooseOwner && (
          <Col xs={24} md={12}>
            <Form.Item label={t('customer.owner')} name="owner_user_id">
              <Select allowClear showSearch optionFilterProp="label" placeholder={t('customer.noOwner')} options={ownerOptions} />
            </Form.Item>
          </Col>
        )}
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.relationship')} name="relationship">
            <Select options={options('relationship', meta.relationships)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.relationshipLevel')} name="relationship_level">
            <Select options={options('relationship_level', meta.relationship_levels)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.lifecycleStage')} name="lifecycle_stage">
            <Select options={options('lifecycle_stage', meta.lifecycle_stages)} />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item
            label={t('customer.tags')}
            name="tags"
            rules={[
              {
                validator: (_r, v: string[] | undefined) => {
                  if (v && v.length > LIMITS.tags) return Promise.reject(new Error(t('form.tagsTooMany', { max: LIMITS.tags })));
                  if (v && v.some((x) => charCount(x) > LIMITS.tag)) return Promise.reject(new Error(t('form.tagTooLong', { max: LIMITS.tag })));
                  return Promise.resolve();
                },
              },
            ]}
          >
            <Select mode="tags" tokenSeparators={[',', '，']} placeholder={t('form.tagsPlaceholder')} open={false} suffixIcon={null} />
          </Form.Item>
        </Col>
      </Row>

      <Form.List
        name="care_dates"
        rules={[
          {
            validator: (_r, v: unknown[] | undefined) =>
              v && v.length > LIMITS.careDates ? Promise.reject(new Error(t('care.tooMany', { max: LIMITS.careDates }))) : Promise.resolve(),
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <fieldset style={{ border: 0, padding: 0, margin: 0 }} data-testid="care-dates">
            <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('customer.careDates')}</legend>
            {fields.map((field, i) => (
              <Space key={field.key} align="start" wrap style={{ display: 'flex', marginBottom: 4 }}>
                <Form.Item name={[field.name, 'kind']}>
                  <Select
                    aria-label={`${t('care.kind')} ${i + 1}`}
                    style={{ width: 120 }}
                    options={options('care_date_kind', meta.care_date_kinds)}
                  />
                </Form.Item>
                <Form.Item name={[field.name, 'label']} rules={[maxLen('care.label', LIMITS.short)]}>
                  <Input aria-label={`${t('care.label')} ${i + 1}`} placeholder={t('care.label')} style={{ width: 200 }} />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'date']}
                  rules={[
                    { required: true, whitespace: true, message: t('common.required', { field: t('care.date') }) },
                    {
                      validator: (_r, v: string | undefined) =>
                        !v || isValidCareDate(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('care.invalidDate'))),
                    },
                  ]}
                >
                  <Input aria-label={`${t('care.date')} ${i + 1}`} placeholder={t('care.datePlaceholder')} style={{ width: 180 }} />
                </Form.Item>
                <Button
                  aria-label={`${t('common.remove')} ${t('customer.careDates')} ${i + 1}`}
                  icon={<DeleteOutlined />}
                  onClick={() => remove(field.name)}
                />
              </Space>
            ))}
            <Form.Item>
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ kind: 'birthday', label: '', date: '' })}>
                {t('care.add')}
              </Button>
              <Form.ErrorList errors={errors} />
            </Form.Item>
          </fieldset>
        )}
      </Form.List>

      <Divider orientation="left" plain>
        {t('form.contactInfo')}
      </Divider>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            label={t('customer.phone')}
            name="phone"
            rules={[
              {
                validator: (_r, v: string | undefined) =>
                  !v || !v.trim() || looksLikePhone(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('form.phoneInvalid'))),
              },
            ]}
          >
            <Input placeholder={t('form.phonePlaceholder')} inputMode="tel" autoComplete="off" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            label={t('customer.email')}
            name="email"
            rules={[
              {
                validator: (_r, v: string | undefined) =>
                  !v || !v.trim() || looksLikeEmail(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('form.emailInvalid'))),
              },
            ]}
          >
            <Input inputMode="email" autoComplete="off" />
          </Form.Item>
        </Col>
      </Row>

      <Divider orientation="left" plain>
        {t('form.other')}
      </Divider>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item label={t('customer.externalId')} name="external_id" rules={[maxLen('customer.externalId', LIMITS.short)]}>
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            label={t('customer.purchasePotentialYuan')}
            name="purchase_potential"
            extra={t('customer.purchasePotentialHelp')}
            rules={[{ validator: yuanValidator(t('money.invalid')) }]}
          >
            <Input inputMode="decimal" autoComplete="off" data-testid="purchase-potential-input" />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item label={t('customer.notes')} name="notes" rules={[maxLen('customer.notes', LIMITS.notes)]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
