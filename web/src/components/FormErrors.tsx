import { Alert } from 'antd';
import { useI18n } from '../i18n';
import type { ProblemFieldError } from '../types';

/** Top-of-form alert: a request error, plus any field errors no form field could show. */
export function FormErrorAlert({ message, fieldErrors }: { message: string | null; fieldErrors: ProblemFieldError[] }) {
  const { t } = useI18n();
  if (!message && fieldErrors.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="form-error"
      style={{ marginBottom: 16 }}
      message={message ?? t('error.invalid')}
      description={
        fieldErrors.length > 0 ? (
          <>
            {t('error.fieldErrors')}
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {fieldErrors.map((e, i) => (
                <li key={i}>
                  <code>{e.field}</code>: {e.message}
                </li>
              ))}
            </ul>
          </>
        ) : undefined
      }
    />
  );
}
