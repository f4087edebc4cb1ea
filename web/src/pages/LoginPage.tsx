import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useAuth } from '../auth';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { LanguageSwitch } from '../components/LanguageSwitch';

interface LoginValues {
  login: string;
  password: string;
}

export function LoginPage() {
  const { t } = useI18n();
  const { login, expired } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async (v: LoginValues) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.login.trim(), v.password);
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="gx-login-wrap">
      <Card className="gx-login-card">
        <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <LanguageSwitch />
        </div>
        <Typography.Title level={1} style={{ fontSize: 28, marginTop: 8, marginBottom: 4 }}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        <Typography.Title level={2} style={{ fontSize: 18 }}>
          {t('login.title')}
        </Typography.Title>
        {expired && !error && <Alert type="info" showIcon message={t('error.sessionExpired')} style={{ marginBottom: 16 }} />}
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="login-error"
            message={t('login.failed')}
            description={error}
            style={{ marginBottom: 16 }}
          />
        )}
        <Form<LoginValues> layout="vertical" name="login" onFinish={onFinish} requiredMark={false}>
          <Form.Item label={t('login.login')} name="login" rules={[{ required: true, whitespace: true, message: t('login.loginRequired') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
