// Tasks as the API answers them (docs/relationship-api.md, "Tasks + my day"), and
// the page-wide "tasks changed" signal the navigation badge listens to.

export interface TaskItem {
  id: number;
  version: number;
  customer_id: number;
  customer_name: string;
  assignee_user_id: number | null;
  assignee_name: string | null;
  title: string;
  kind: string;
  priority: string;
  due_day: string;
  due_time: string | null;
  status: string;
  origin: string;
  note: string;
  completion_note: string;
}

export interface TaskUserRef {
  id: number;
  login: string;
  display_name: string;
}

export interface MyDay {
  today: string;
  now_time: string;
  user?: TaskUserRef;
  team?: { id: number; name: string; members: TaskUserRef[] };
  overdue: TaskItem[];
  due_today: TaskItem[];
  upcoming: TaskItem[];
  counts: { overdue: number; due_today: number; upcoming: number };
}

export const TASK_KINDS = ['follow_up', 'return_visit', 'care', 'other'] as const;
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

const EVENT = 'gx-tasks-changed';

/** Tells the badge (and anyone listening) that tasks were created, edited or finished. */
export function notifyTasksChanged(): void {
  window.dispatchEvent(new Event(EVENT));
}

/** Subscribes to notifyTasksChanged; returns the unsubscribe function. */
export function onTasksChanged(fn: () => void): () => void {
  window.addEventListener(EVENT, fn);
  return () => window.removeEventListener(EVENT, fn);
}

/** Whether an open task is overdue at (today, now HH:MM), Asia/Shanghai. */
export function isOverdue(t: TaskItem, today: string, now: string): boolean {
  return t.status === 'open' && (t.due_day < today || (t.due_day === today && t.due_time !== null && t.due_time < now));
}
