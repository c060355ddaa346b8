import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { request, subscribe } from '../api';
import { Problem, problemOf } from '../errors';
import {
  Connection,
  REMOVE,
  REQUEST,
  SET_BILLING,
  SPACE,
  SPACE_CHANGED,
  SpaceDetail,
  UPDATE_TIER,
} from '../queries';
import { SignedIn } from '../session';
import { Alert, Link, Notice, TextField, when } from '../ui';

const TIERS = ['FREE', 'STANDARD', 'ENTERPRISE'] as const;

interface Loaded {
  space: SpaceDetail;
  connections: Connection[];
}

/** A space's AWS accounts: the request form, the live list, and the administrators' controls. */
export function SpacePage({ session, spaceId }: { session: SignedIn; spaceId: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [live, setLive] = useState(false);

  const load = useCallback(async () => {
    try {
      const data = await request<{
        space: SpaceDetail | null;
        pendingAccountConnections: { edges: { node: Connection }[] };
      }>(session, SPACE, { id: spaceId });
      if (!data.space) {
        setProblem({
          text: 'This space does not exist, or you are not a member.',
          code: 'NOT_FOUND',
        });
        return;
      }
      const connections = [
        ...data.pendingAccountConnections.edges,
        ...data.space.accountConnections.edges,
      ]
        .map((edge) => edge.node)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      setLoaded({ space: data.space, connections });
    } catch (error) {
      setProblem(problemOf(error));
    }
  }, [session, spaceId]);

  useEffect(() => {
    void load();
    // Every change of the space's connections (verified, rejected, roles...): read the list again.
    const stop = subscribe(
      session,
      SPACE_CHANGED,
      { spaceId },
      () => void load(),
      (error) => setProblem(problemOf(error)),
      () => setLive(true),
    );
    return stop;
  }, [load, session, spaceId]);

  if (!loaded) {
    return (
      <main id="main">
        <h1>Space</h1>
        <Alert problem={problem} />
      </main>
    );
  }
  const { space, connections } = loaded;
  const me = session.me.user?.id;
  const isAdministrator =
    session.me.kind === 'TENANT_ADMIN' ||
    space.members.some((m) => m.user.id === me && m.role === 'SPACE_ADMINISTRATOR');
  return (
    <main id="main">
      <p>
        <Link to={{ page: 'home' }}>All spaces</Link>
      </p>
      <h1>{space.name}</h1>
      <p class="muted" data-live={live ? 'true' : 'false'}>
        Region {space.region} · {space.tier} tier{live ? ' · updates live' : ''}
      </p>
      <Alert problem={problem} />
      <AddAccount session={session} space={space} onAdded={load} />
      {isAdministrator ? <TierForm session={session} space={space} onChanged={load} /> : null}
      <h2>AWS accounts</h2>
      {connections.length === 0 ? (
        <p>No AWS account is connected to this space yet.</p>
      ) : (
        <ConnectionTable
          session={session}
          space={space}
          connections={connections}
          isAdministrator={isAdministrator}
          onChanged={load}
        />
      )}
    </main>
  );
}

function AddAccount(props: {
  session: SignedIn;
  space: SpaceDetail;
  onAdded: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [accountId, setAccountId] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const data = await request<{ requestAccountConnection: { token: string } }>(
        props.session,
        REQUEST,
        {
          input: {
            spaceId: props.space.id,
            accountId: accountId.trim(),
            displayName,
            description: description || null,
          },
        },
      );
      // The token travels in the fragment: browsers never send it to a server.
      const fragment = new URLSearchParams({
        token: data.requestAccountConnection.token,
        region: props.space.region,
      });
      setLink(`${window.location.origin}/portal/verify#${fragment.toString()}`);
      setAccountId('');
      setDisplayName('');
      setDescription('');
      setOpen(false);
      await props.onAdded();
    } catch (error) {
      // The form keeps its values, so nothing typed is lost.
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="add-account">
      {link ? (
        <div class="success">
          <Notice>The connection request was created and is pending verification.</Notice>
          <label for="verification-link">Verification link</label>
          <input id="verification-link" type="text" readOnly value={link} />
          <p class="hint">
            Give this link to an administrator of the AWS account. It works once, for 24 hours.
          </p>
        </div>
      ) : null}
      {open ? (
        <form method="post" onSubmit={submit} aria-labelledby="add-account">
          <h2 id="add-account">Associate AWS account with Amazon CodeCatalyst</h2>
          <TextField
            id="account-id"
            label="AWS account ID"
            value={accountId}
            onInput={setAccountId}
            required
            hint="The twelve-digit ID of the account to connect"
            focus
          />
          <TextField
            id="display-name"
            label="Amazon CodeCatalyst display name"
            value={displayName}
            onInput={setDisplayName}
            required
          />
          <TextField
            id="description"
            label="Connection description"
            value={description}
            onInput={setDescription}
            hint="Optional"
          />
          <button type="submit" disabled={busy}>
            Associate AWS account
          </button>{' '}
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setOpen(false);
              opener.current?.focus();
            }}
          >
            Cancel
          </button>
          <Alert problem={problem} />
        </form>
      ) : (
        <>
          <h2 id="add-account" class="visually-hidden">
            Add an AWS account
          </h2>
          <button ref={opener} type="button" onClick={() => setOpen(true)}>
            Add an AWS account
          </button>
        </>
      )}
    </section>
  );
}

function TierForm(props: {
  session: SignedIn;
  space: SpaceDetail;
  onChanged: () => Promise<void>;
}) {
  const [tier, setTier] = useState(props.space.tier);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    try {
      await request(props.session, UPDATE_TIER, { input: { spaceId: props.space.id, tier } });
      setDone(`The space is on the ${tier} tier.`);
      await props.onChanged();
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  return (
    <form method="post" class="inline" onSubmit={submit}>
      <label for="tier">Tier</label>
      <select id="tier" value={tier} onChange={(e) => setTier(e.currentTarget.value)}>
        {TIERS.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>{' '}
      <button type="submit">Change tier</button>
      {done ? <Notice>{done}</Notice> : null}
      <Alert problem={problem} />
    </form>
  );
}

function ConnectionTable(props: {
  session: SignedIn;
  space: SpaceDetail;
  connections: Connection[];
  isAdministrator: boolean;
  onChanged: () => Promise<void>;
}) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const act = async (query: string, variables: Record<string, unknown>) => {
    setProblem(null);
    try {
      await request(props.session, query, variables);
      await props.onChanged();
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  const billing = props.space.billingConnection?.id ?? null;
  return (
    <>
      <Alert problem={problem} />
      <table class="connections">
        <caption class="visually-hidden">AWS accounts connected to {props.space.name}</caption>
        <thead>
          <tr>
            <th scope="col">Display name</th>
            <th scope="col">AWS account</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Verified</th>
            <th scope="col">Paid tiers</th>
            <th scope="col">IAM roles</th>
            <th scope="col">Billing account</th>
            {props.isAdministrator ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.connections.map((c) => (
            <tr key={c.id} data-connection={c.id}>
              <th scope="row">
                {c.displayName}
                {c.description ? <div class="muted">{c.description}</div> : null}
              </th>
              <td>{c.accountId}</td>
              <td>
                <span class={`status status-${c.status.toLowerCase()}`}>{c.status}</span>
              </td>
              <td>{when(c.createdAt)}</td>
              <td>{when(c.verifiedAt)}</td>
              <td>{c.paidTiersAuthorized ? 'Authorized' : 'Not authorized'}</td>
              <td>
                {c.roles.length === 0 ? (
                  '—'
                ) : (
                  <ul class="roles">
                    {c.roles.map((role) => (
                      <li key={role.roleArn}>
                        <code>{role.roleArn}</code>: {role.validation.status}
                        {role.validation.reason ? ` (${role.validation.reason})` : ''}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>{billing === c.id ? 'Billing account' : '—'}</td>
              {props.isAdministrator ? (
                <td class="actions">
                  {c.status === 'VERIFIED' && billing !== c.id ? (
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Make ${c.displayName} the billing account`}
                      onClick={() =>
                        void act(SET_BILLING, {
                          input: { spaceId: props.space.id, connectionId: c.id },
                        })
                      }
                    >
                      Make billing account
                    </button>
                  ) : null}{' '}
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Remove ${c.displayName}`}
                    onClick={() => void act(REMOVE, { id: c.id })}
                  >
                    Remove
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
