// The task dialogs: create or edit a task (title, kind, priority, due day and
// time, note) and complete one with an optional note. Server field errors land
// on the fields; a stale version reloads the caller's list.
import { useEffect, useState } from 'react';
import { App, Form, Input, Modal, Select } from 'antd';
import { api, ApiError } from '../api';
import { applyFieldErrors, errorMessage } from '../errors';
import { FormErrorAlert } from '../components/FormErrors';
import { useI18n, type MessageKey } from '../i18n';
import { shanghaiDay } from '../analytics/dates';
import type { ProblemFieldError } from '../types';
import { notifyTasksChanged, TASK_KINDS, TASK_PRIORITIES, type TaskItem } from './taskTypes';

interface TaskFormValues {
  title: string;
  kind: string;
  priority: string;
  due_day: string;
  due_time?: string;
  note?: string;
}

/** Create (customerId, no task) or edit (task) a task. */
export function TaskFormModal({ open, task, customerId, onClose, onSaved }: {
  open: boolean;
  task?: TaskItem | null;
  customerId?: number;
  onClose: () => void;
  onSaved: (t: TaskItem) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<TaskFormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [unmatched, setUnmatched] = useState<ProblemFieldError[]>([]);

  useEffect(() => {
    if (!open) return;
    setError(null);
    setUnmatched([]);
    form.resetFields();
    form.setFieldsValue(
      task
        ? { title: task.title, kind: task.kind, priority: task.priority, due_day: task.due_day, due_time: task.due_time ?? '', note: task.note }
        : { title: '', kind: 'follow_up', priority: 'normal', due_day: shanghaiDay(1), due_time: '', note: '' },
    );
  }, [open, task, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    setUnmatched([]);
    try {
      const due_time = v.due_time ? v.due_time : null;
      const saved = task
        ? await api.patch<TaskItem>(`/tasks/${task.id}`,
          { title: v.title, priority: v.priority, due_day: v.due_day, due_time, note: v.note ?? '' }, task.version)
        : await api.post<TaskItem>('/tasks',
          { customer_id: customerId, title: v.title, kind: v.kind, priority: v.priority, due_day: v.due_day, due_time, note: v.note ?? '' });
      message.success(task ? t('tasks.saved') : t('tasks.created'));
      notifyTasksChanged();
      onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors) setUnmatched(applyFieldErrors(form, e.problem.errors));
      setError(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={task ? t('tasks.editTitle') : t('tasks.newTitle')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      <FormErrorAlert message={error} fieldErrors={unmatched} />
      <Form form={form} layout="vertical" data-testid="task-form">
        <Form.Item name="title" label={t('tasks.field.title')} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input maxLength={200} data-testid="task-title" />
        </Form.Item>
        <Form.Item name="kind" label={t('tasks.field.kind')}>
          <Select disabled={!!task} options={TASK_KINDS.map((k) => ({ value: k, label: t(`tasks.kind.${k}` as MessageKey) }))} />
        </Form.Item>
        <Form.Item name="priority" label={t('tasks.field.priority')}>
          <Select options={TASK_PRIORITIES.map((k) => ({ value: k, label: t(`tasks.priority.${k}` as MessageKey) }))} />
        </Form.Item>
        <Form.Item name="due_day" label={t('tasks.field.dueDay')} rules={[{ required: true }]}>
          <Input type="date" data-testid="task-due-day" />
        </Form.Item>
        <Form.Item name="due_time" label={t('tasks.field.dueTime')}>
          <Input type="time" data-testid="task-due-time" />
        </Form.Item>
        <Form.Item name="note" label={t('tasks.field.note')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Completes `task` with an optional note (If-Match: its version). */
export function CompleteTaskModal({ task, onClose, onDone }: {
  task: TaskItem | null;
  onClose: () => void;
  onDone: (t: TaskItem) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setNote('');
    setError(null);
  }, [task]);
  const submit = async () => {
    if (!task) return;
    setSaving(true);
    setError(null);
    try {
      const done = await api.post<TaskItem>(`/tasks/${task.id}/complete`, note.trim() ? { note } : {},
        { headers: { 'if-match': `"${task.version}"` } });
      message.success(t('tasks.completed'));
      notifyTasksChanged();
      onDone(done);
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={task !== null}
      title={task ? t('tasks.completeTitle', { title: task.title }) : ''}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('tasks.completeOk')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'task-complete-ok' } as Record<string, string>}
    >
      <FormErrorAlert message={error} fieldErrors={[]} />
      <Form layout="vertical">
        <Form.Item label={t('tasks.completeNote')} htmlFor="task-complete-note">
          <Input.TextArea id="task-complete-note" rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
