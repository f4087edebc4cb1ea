// Language state (zh-CN default, English switchable, remembered in localStorage),
// the t() lookup, translated enum labels and Asia/Shanghai time formatting.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, zh, type Dictionary, type MessageKey } from './dict';

export type Lang = 'zh-CN' | 'en';
export const LANG_STORAGE_KEY = 'guanxi.lang';

const dictionaries: Record<Lang, Dictionary> = { 'zh-CN': zh, en };

export type Vocabulary =
  | 'kind'
  | 'relationship'
  | 'relationship_level'
  | 'lifecycle_stage'
  | 'size'
  | 'source'
  | 'role'
  | 'personality'
  | 'care_date_kind'
  | 'action'
  | 'entity'
  | 'situation'
  | 'playbook_kind'
  | 'buying_role'
  | 'attitude'
  | 'instalment_status'
  | 'payment_method'
  | 'order_status'
  | 'channel'
  | 'scope'
  | 'jobKind'
  | 'jobStatus';

export type Vars = Record<string, string | number>;

export interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  /** Translated label of a wire value; the raw value when the UI does not know it. */
  label: (vocab: Vocabulary, value: string | null | undefined) => string;
  /** ISO 8601 UTC → local display in Asia/Shanghai. */
  fmtTime: (iso: string | null | undefined) => string;
}

function readStoredLang(): Lang {
  try {
    const v = localStorage.getItem(LANG_STORAGE_KEY);
    if (v === 'en' || v === 'zh-CN') return v;
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN';
}

export function interpolate(s: string, vars?: Vars): string {
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(readStoredLang);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = dictionaries[lang]['app.name'];
  }, [lang]);

  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      /* storage unavailable */
    }
    setLangState(l);
  }, []);

  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const timeFmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    return {
      lang,
      setLang,
      t: (key, vars) => interpolate(dict[key] ?? key, vars),
      label: (vocab, v) => {
        if (v === null || v === undefined || v === '') return dict['common.none'];
        const key = `enum.${vocab}.${v}` as MessageKey;
        return dict[key] ?? v;
      },
      fmtTime: (iso) => {
        if (!iso) return dict['common.none'];
        const d = new Date(iso);
        if (Number.isNaN(d.getTime())) return iso;
        return timeFmt.format(d);
      },
    };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

export type { MessageKey };
