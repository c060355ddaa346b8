import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { Problem, problemOf } from '../errors';
import { ACCEPT, PENDING, PendingConnection, REJECT } from '../queries';
import { SignedIn } from '../session';
import { Alert, Notice, TextField, when } from '../ui';
import { ConnectionRoles } from './ConnectionRoles';

/** The verification link's fragment: `#token=…&region=…` (never sent to any server). */
function fromFragment(): { token: string; region: string } {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  return { token: params.get('token') ?? '', region: params.get('region') ?? 'us-west-2' };
}

type Outcome = { kind: 'verified'; connectionId: string } | { kind: 'rejected' } | null;

/** Step 2 of the seed: an administrator of the account verifies (or rejects) the request. */
export function Verify({ session }: { session: SignedIn }) {
  const initial = fromFragment();
  const [token, setToken] = useState(initial.token);
  const [region, setRegion] = useState(initial.region);
  const [pending, setPending] = useState<PendingConnection | null>(null);
  const [checked, setChecked] = useState(false);
  const [authorizePaidTiers, setAuthorizePaidTiers] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const inRegion = { ...session, region: region.trim() };

  const check = async () => {
    setProblem(null);
    setPending(null);
    setChecked(false);
    if (!token.trim()) {
      return;
    }
    try {
      const data = await request<{ pendingAccountConnection: PendingConnection | null }>(
        inRegion,
        PENDING,
        { token: token.trim() },
      );
      setPending(data.pendingAccountConnection);
    } catch (error) {
      // Unknown, used, replaced or expired: the API's one not-found message, nothing more.
      setProblem(problemOf(error));
    } finally {
      setChecked(true);
    }
  };

  useEffect(() => {
    // Keep the token out of the address bar and the history once it is read.
    if (window.location.hash) {
      window.history.replaceState(null, '', window.location.pathname);
    }
    void check();
    // Checked once with the link's values; the button checks again after an edit.
  }, []);

  const decide = async (verify: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      if (verify) {
        const data = await request<{ acceptAccountConnection: { id: string } }>(inRegion, ACCEPT, {
          input: { token: token.trim(), authorizePaidTiers },
        });
        setOutcome({ kind: 'verified', connectionId: data.acceptAccountConnection.id });
      } else {
        await request(inRegion, REJECT, { input: { token: token.trim() } });
        setOutcome({ kind: 'rejected' });
      }
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  if (session.me.kind !== 'ACCOUNT') {
    return (
      <main id="main">
        <h1>Verify Amazon CodeCatalyst space</h1>
        <p>
          Only an administrator of the AWS account can verify a space. Sign out, then sign in with
          the account's API key.
        </p>
      </main>
    );
  }

  if (outcome?.kind === 'verified') {
    return (
      <main id="main">
        <h1>Verify Amazon CodeCatalyst space</h1>
        <Notice>Account verified. The account has been added to the space.</Notice>
        <ConnectionRoles session={inRegion} connectionId={outcome.connectionId} />
      </main>
    );
  }
  if (outcome?.kind === 'rejected') {
    return (
      <main id="main">
        <h1>Verify Amazon CodeCatalyst space</h1>
        <Notice>Request rejected. The space was not connected to this account.</Notice>
      </main>
    );
  }

  return (
    <main id="main">
      <h1>Verify Amazon CodeCatalyst space</h1>
      <form
        method="post"
        onSubmit={(event) => {
          event.preventDefault();
          void check();
        }}
      >
        <TextField
          id="token"
          label="Verification token"
          value={token}
          onInput={setToken}
          required
        />
        <TextField
          id="region"
          label="Space region"
          value={region}
          onInput={setRegion}
          required
          hint="Filled from the verification link"
        />
        <button type="submit" class="secondary">
          Check token
        </button>
      </form>
      <Alert problem={problem} />
      {checked && pending ? (
        <section aria-labelledby="request-heading">
          <Notice>This is a valid token.</Notice>
          <h2 id="request-heading">Connection request</h2>
          <dl class="details">
            <dt>Space</dt>
            <dd>{pending.spaceName}</dd>
            <dt>Display name</dt>
            <dd>{pending.displayName}</dd>
            <dt>Description</dt>
            <dd>{pending.description ?? '—'}</dd>
            <dt>AWS account</dt>
            <dd>{pending.accountId}</dd>
            <dt>Expires</dt>
            <dd>{when(pending.expiresAt)}</dd>
          </dl>
          <fieldset>
            <legend>Authorized paid tiers</legend>
            <input
              id="paid-tiers"
              type="checkbox"
              checked={authorizePaidTiers}
              onChange={(event) => setAuthorizePaidTiers(event.currentTarget.checked)}
            />
            <label for="paid-tiers">Authorize paid tiers (Standard, Enterprise)</label>
          </fieldset>
          <button type="button" disabled={busy} onClick={() => void decide(true)}>
            Verify space
          </button>{' '}
          <button type="button" class="danger" disabled={busy} onClick={() => void decide(false)}>
            Reject
          </button>
        </section>
      ) : null}
    </main>
  );
}
