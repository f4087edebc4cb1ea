// The playbook (话术库) entries for an opportunity's stage, grouped by situation;
// FFAB entries shown as four labelled lines.
import { useEffect, useState } from 'react';
import { Alert, Card, Collapse, Empty, Tag, Typography } from 'antd';
import { api, qs } from '../api';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { PlaybookEntry } from '../salesTypes';
import './sales.css';

const FFAB_PREFIX = /^\s*(feature|function|advantage|benefit|特征|特性|功能|作用|优点|优势|利益|好处|[FAB])\s*[:：]\s*/i;

/** The four FFAB lines of a body, without whatever labels the author wrote. */
export function ffabLines(body: string): string[] {
  return body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(FFAB_PREFIX, ''));
}

/** An entry's body: FFAB entries as four labelled lines, others as written. */
export function PlaybookBody({ kind, body }: { kind: string; body: string }) {
  const { t } = useI18n();
  if (kind !== 'ffab') return <pre className="gx-pre">{body}</pre>;
  const ffabLabels = [t('playbook.feature'), t('playbook.function'), t('playbook.advantage'), t('playbook.benefit')];
  return (
    <dl className="gx-ffab" data-testid="ffab">
      {ffabLines(body).map((l, i) => (
        <div key={i}>
          <dt>{ffabLabels[i] ?? ''}</dt>
          <dd>{l}</dd>
        </div>
      ))}
    </dl>
  );
}

export function PlaybookCard({ opportunityId, stage }: { opportunityId: number; stage: string }) {
  const { t, lang, label } = useI18n();
  const [entries, setEntries] = useState<PlaybookEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    api
      .get<PlaybookEntry[]>(`/opportunities/${opportunityId}/playbook${qs({ locale: lang === 'en' ? 'en' : 'zh' })}`)
      .then((e) => !stale && setEntries(e))
      .catch((e) => !stale && setError(errorMessage(t, e)));
    return () => {
      stale = true;
    };
    // the stage is a dependency: the entries follow the opportunity's stage
  }, [opportunityId, stage, lang, t]);

  const situations = [...new Set((entries ?? []).map((e) => e.situation))];

  return (
    <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('playbook.title')}</Typography.Title>} style={{ marginBottom: 16 }} data-testid="playbook">
      {error && <Alert type="error" showIcon message={error} />}
      {entries && entries.length === 0 && <Empty description={t('playbook.empty')} />}
      {situations.length > 0 && (
        <Collapse
          defaultActiveKey={situations.slice(0, 1)}
          items={situations.map((s) => ({
            key: s,
            label: label('situation', s),
            children: (entries ?? [])
              .filter((e) => e.situation === s)
              .map((e) => (
                <div key={e.id} style={{ marginBottom: 12 }}>
                  <Typography.Text strong>{e.title}</Typography.Text> <Tag>{label('playbook_kind', e.kind)}</Tag>
                  <PlaybookBody kind={e.kind} body={e.body} />
                </div>
              )),
          }))}
        />
      )}
    </Card>
  );
}
