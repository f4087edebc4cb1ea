import { Button } from 'antd';
import { useI18n } from '../i18n';

/** Toggles 简体中文 ⇄ English; the choice is remembered in localStorage. */
export function LanguageSwitch({ ghost }: { ghost?: boolean }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Button
      ghost={ghost}
      size="small"
      data-testid="lang-switch"
      lang={lang === 'en' ? 'zh-CN' : 'en'}
      title={t('lang.switchLabel')}
      onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
    >
      {t('lang.switch')}
    </Button>
  );
}
