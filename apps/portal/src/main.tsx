import { render } from 'preact';
import { useState } from 'preact/hooks';
import { closeSubscriptions } from './api';
import { AccountHome } from './pages/AccountHome';
import { ConnectionRoles } from './pages/ConnectionRoles';
import { SignIn } from './pages/SignIn';
import { SpacePage } from './pages/SpacePage';
import { Spaces } from './pages/Spaces';
import { Verify } from './pages/Verify';
import { navigate, useRoute } from './router';
import { clearSession, loadSession, saveSession, SignedIn } from './session';
import { Link } from './ui';
import './styles.css';

function who(session: SignedIn): string {
  const { me } = session;
  switch (me.kind) {
    case 'USER':
      return `${me.user?.name ?? 'user'}`;
    case 'ACCOUNT':
      return `AWS account ${me.account?.accountId ?? ''}`;
    case 'TENANT_ADMIN':
      return `administrator of ${me.tenant?.name ?? 'the organization'}`;
    case 'OPERATOR':
      return 'operator';
  }
}

function App() {
  const [session, setSession] = useState<SignedIn | null>(loadSession);
  const route = useRoute();
  const signOut = () => {
    clearSession();
    closeSubscriptions();
    setSession(null);
    navigate({ page: 'home' });
  };
  const page = (() => {
    if (!session) {
      return (
        <SignIn
          onSignedIn={(signedIn) => {
            saveSession(signedIn);
            setSession(signedIn);
          }}
        />
      );
    }
    switch (route.page) {
      case 'verify':
        return <Verify session={session} />;
      case 'space':
        return <SpacePage session={session} spaceId={route.spaceId} />;
      case 'connection':
        return (
          <main id="main">
            <p>
              <Link to={{ page: 'home' }}>All connections</Link>
            </p>
            <h1>Connection</h1>
            <ConnectionRoles
              session={{ ...session, region: route.region ?? session.region }}
              connectionId={route.connectionId}
            />
          </main>
        );
      case 'home':
        return session.me.kind === 'ACCOUNT' ? (
          <AccountHome session={session} />
        ) : (
          <Spaces session={session} />
        );
    }
  })();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">AccountLink partner portal</span>
        {session ? (
          <span class="who">
            Signed in as {who(session)}{' '}
            <button type="button" class="secondary" onClick={signOut}>
              Sign out
            </button>
          </span>
        ) : null}
      </header>
      {page}
    </>
  );
}

render(<App />, document.getElementById('app')!);
