// The shell: antd locale/theme, routes, the authenticated layout with its header.
import { lazy, Suspense, type ReactNode } from 'react';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Result, Space, Spin, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { Link, Navigate, Outlet, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { useAuth, useUser } from './auth';
import { RefDataProvider } from './data';
import { useI18n } from './i18n';
import { LanguageSwitch } from './components/LanguageSwitch';
import { LoginPage } from './pages/LoginPage';
import { ReceivablesNavLink } from './sales/OverdueBadge';
import { MyDayNavLink } from './tasks/MyDayNavLink';

const CustomerListPage = lazy(() => import('./pages/CustomerListPage'));
const CustomerDetailPage = lazy(() => import('./pages/CustomerDetailPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));
const AccountPage = lazy(() => import('./pages/AccountPage'));
const PipelinePage = lazy(() => import('./pages/PipelinePage'));
const OpportunityPage = lazy(() => import('./pages/OpportunityPage'));
const SalesDashboardPage = lazy(() => import('./pages/SalesDashboardPage'));
const TargetsPage = lazy(() => import('./pages/TargetsPage'));
const OrdersPage = lazy(() => import('./pages/OrdersPage'));
const ProductsPage = lazy(() => import('./pages/ProductsPage'));
const ReceivablesPage = lazy(() => import('./pages/ReceivablesPage'));
const StageSettingsPage = lazy(() => import('./pages/StageSettingsPage'));
const PlaybookPage = lazy(() => import('./pages/PlaybookPage'));
const AnalyticsPage = lazy(() => import('./pages/AnalyticsPage'));
const PoolPage = lazy(() => import('./relationship/PoolPage'));
const DuplicatesPage = lazy(() => import('./relationship/DuplicatesPage'));
const VisitPlansPage = lazy(() => import('./relationship/VisitPlansPage'));
const JourneysPage = lazy(() => import('./relationship/JourneysPage'));
const MyDayPage = lazy(() => import('./tasks/MyDayPage'));

// Colours chosen for WCAG AA contrast on white (antd's defaults for links,
// secondary text and danger are below 4.5:1).
const THEME = {
  token: {
    colorPrimary: '#1f5fbf',
    colorInfo: '#1f5fbf',
    colorLink: '#1f5fbf',
    colorPrimaryHover: '#2a63b8',
    colorLinkHover: '#2a63b8',
    colorError: '#c41d24',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.6)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
  },
};

const NAV_THEME = { components: { Menu: { itemPaddingInline: 8 } } };

export function App() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>
        <Routes>
          <Route path="/login" element={<LoginRoute />} />
          <Route element={<RequireAuth />}>
            <Route path="/" element={<Navigate to="/customers" replace />} />
            <Route path="/customers" element={<Lazy><CustomerListPage /></Lazy>} />
            <Route path="/customers/:id" element={<Lazy><CustomerDetailPage /></Lazy>} />
            <Route path="/my-day" element={<Lazy><MyDayPage /></Lazy>} />
            <Route path="/admin" element={<Lazy><AdminPage /></Lazy>} />
            <Route path="/pipeline" element={<Lazy><PipelinePage /></Lazy>} />
            <Route path="/opportunities/:id" element={<Lazy><OpportunityPage /></Lazy>} />
            <Route path="/sales" element={<Lazy><SalesDashboardPage /></Lazy>} />
            <Route path="/targets" element={<Lazy><TargetsPage /></Lazy>} />
            <Route path="/orders" element={<Lazy><OrdersPage /></Lazy>} />
            <Route path="/products" element={<Lazy><ProductsPage /></Lazy>} />
            <Route path="/receivables" element={<Lazy><ReceivablesPage /></Lazy>} />
            <Route path="/settings/stages" element={<Lazy><StageSettingsPage /></Lazy>} />
            <Route path="/settings/visit-plans" element={<Lazy><VisitPlansPage /></Lazy>} />
            <Route path="/settings/journeys" element={<Lazy><JourneysPage /></Lazy>} />
            <Route path="/playbook" element={<Lazy><PlaybookPage /></Lazy>} />
            <Route path="/analytics" element={<Lazy><AnalyticsPage /></Lazy>} />
            <Route path="/pool" element={<Lazy><PoolPage /></Lazy>} />
            <Route path="/duplicates" element={<Lazy><DuplicatesPage /></Lazy>} />
            <Route path="/account" element={<Lazy><AccountPage /></Lazy>} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </AntApp>
    </ConfigProvider>
  );
}

function Loading() {
  const { t } = useI18n();
  return (
    <div style={{ padding: 48, textAlign: 'center' }} role="status" aria-live="polite">
      <Spin />
      <div style={{ marginTop: 8 }}>{t('common.loading')}</div>
    </div>
  );
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

interface FromState {
  from?: string;
}

function LoginRoute() {
  const { user } = useAuth();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (user) {
    const from = (location.state as FromState | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : '/customers'} replace />;
  }
  return <LoginPage />;
}

function RequireAuth() {
  const { user } = useAuth();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (!user) {
    const from = location.pathname + location.search;
    return <Navigate to="/login" replace state={{ from } satisfies FromState} />;
  }
  return (
    <RefDataProvider>
      <AppLayout />
    </RefDataProvider>
  );
}

function AppLayout() {
  const { t, label } = useI18n();
  const { logout } = useAuth();
  const user = useUser();
  const location = useLocation();
  const navigate = useNavigate();
  const [first, second] = location.pathname.split('/').slice(1);
  // Settings pages share /settings/: each is its own menu entry (stages keep the key '/settings').
  const settingsKey = second === 'visit-plans' || second === 'journeys' ? `/settings/${second}` : '/settings';
  const section =
    first === 'settings' ? settingsKey : '/' + (first === 'opportunities' ? 'pipeline' : first || 'customers');

  const items = [
    { key: '/customers', label: <Link to="/customers">{t('nav.customers')}</Link> },
    { key: '/my-day', label: <MyDayNavLink /> },
    { key: '/pipeline', label: <Link to="/pipeline">{t('nav.pipeline')}</Link> },
    { key: '/sales', label: <Link to="/sales">{t('nav.sales')}</Link> },
    { key: '/orders', label: <Link to="/orders">{t('nav.orders')}</Link> },
    { key: '/receivables', label: <ReceivablesNavLink /> },
    { key: '/analytics', label: <Link to="/analytics">{t('nav.analytics')}</Link> },
    {
      key: 'sales-setup',
      label: t('nav.salesSetup'),
      children: [
        // The public pool: a top-level entry would push the admin's English menu onto two lines at 1366 px.
        { key: '/pool', label: <Link to="/pool">{t('nav.pool')}</Link> },
        { key: '/products', label: <Link to="/products">{t('nav.products')}</Link> },
        { key: '/playbook', label: <Link to="/playbook">{t('nav.playbook')}</Link> },
        ...(user.role === 'admin' || user.role === 'manager' ? [{ key: '/targets', label: <Link to="/targets">{t('nav.targets')}</Link> }] : []),
        ...(user.role === 'admin' ? [{ key: '/settings', label: <Link to="/settings/stages">{t('nav.stages')}</Link> }] : []),
        ...(user.role === 'admin' || user.role === 'manager'
          ? [{ key: '/settings/visit-plans', label: <Link to="/settings/visit-plans">{t('nav.visitPlans')}</Link> }]
          : []),
        ...(user.role === 'admin' || user.role === 'manager'
          ? [{ key: '/settings/journeys', label: <Link to="/settings/journeys">{t('nav.journeys')}</Link> }]
          : []),
      ],
    },
    ...(user.role === 'admin' ? [{ key: '/admin', label: <Link to="/admin">{t('nav.admin')}</Link> }] : []),
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="gx-header">
        <Link to="/customers" className="gx-brand">
          {t('app.name')}
        </Link>
        <nav className="gx-nav" aria-label={t('nav.label')}>
          {/* Nine entries must fit one line in English at 1366 px: tighter item padding; the
              account page is reached from the user's name on the right. */}
          <ConfigProvider theme={NAV_THEME}>
            <Menu theme="dark" mode="horizontal" selectedKeys={[section]} items={items} disabledOverflow />
          </ConfigProvider>
        </nav>
        <div className="gx-header-right">
          <Space size={6} data-testid="current-user" aria-label={t('header.currentUser')} role="group">
            {/* The account page hangs off the user's name: the menu is full at 1366 px. */}
            <Link to="/account" className="gx-account-link" title={t('nav.account')} aria-label={`${t('nav.account')}: ${user.display_name || user.login}`}>
              {user.display_name || user.login}
            </Link>
            <Tag color="blue" data-testid="current-role" style={{ marginInlineEnd: 0 }}>
              {label('role', user.role)}
            </Tag>
          </Space>
          <LanguageSwitch ghost />
          <Button
            ghost
            size="small"
            onClick={async () => {
              await logout().catch(() => undefined);
              navigate('/login', { replace: true });
            }}
          >
            {t('header.logout')}
          </Button>
        </div>
      </Layout.Header>
      <Layout.Content className="gx-content">
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}

function NotFound() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={<Typography.Title level={1} style={{ fontSize: 24 }}>{t('notFound.title')}</Typography.Title>}
      extra={
        <Button type="primary" onClick={() => navigate('/customers')}>
          {t('notFound.back')}
        </Button>
      }
    />
  );
}
