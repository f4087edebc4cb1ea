// Asks why an opportunity was lost (the API requires a loss_reason for "lost").
import { useEffect, useState } from 'react';
import { Form, Input, Modal } from 'antd';
import type { ButtonProps } from 'antd';
import { useI18n } from '../i18n';

export function LossReasonModal({
  open,
  title,
  busy,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  title: string;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (reason: string) => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (open) {
      setReason('');
      setTouched(false);
    }
  }, [open]);
  const empty = reason.trim() === '';
  return (
    <Modal
      open={open}
      title={t('opp.lossTitle', { title })}
      onCancel={onCancel}
      okText={t('opp.markLost')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, 'data-testid': 'loss-submit' } as ButtonProps}
      confirmLoading={busy}
      onOk={() => {
        setTouched(true);
        if (!empty) onSubmit(reason.trim());
      }}
    >
      <Form layout="vertical">
        <Form.Item
          label={t('opp.lossReason')}
          htmlFor="loss-reason"
          validateStatus={touched && empty ? 'error' : undefined}
          help={touched && empty ? t('common.required', { field: t('opp.lossReason') }) : undefined}
        >
          <Input.TextArea id="loss-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
