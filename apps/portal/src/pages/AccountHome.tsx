import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { Problem, problemOf } from '../errors';
import { ACCOUNT_CONNECTIONS, Connection } from '../queries';
import { SignedIn } from '../session';
import { Alert, Link, TextField } from '../ui';

const REGIONS = ['us-west-2', 'eu-west-1'];

/** The account side's home: its connections in a space region, each with its roles. */
export function AccountHome({ session }: { session: SignedIn }) {
  const [region, setRegion] = useState(session.region ?? 'us-west-2');
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = async (inRegion: string) => {
    setProblem(null);
    try {
      const data = await request<{ accountConnections: { edges: { node: Connection }[] } }>(
        { ...session, region: inRegion },
        ACCOUNT_CONNECTIONS,
      );
      setConnections(data.accountConnections.edges.map((edge) => edge.node));
    } catch (error) {
      setProblem(problemOf(error));
    }
  };
  useEffect(() => {
    void load(region);
    // Loaded once; the form loads another region.
  }, []);
  return (
    <main id="main">
      <h1>AWS account {session.me.account?.accountId}</h1>
      <p>
        To verify a space, open the verification link its administrator gave you. Connections of
        this account:
      </p>
      <form
        method="post"
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void load(region.trim());
        }}
      >
        <TextField
          id="account-region"
          label="Region"
          value={region}
          onInput={setRegion}
          hint={`A space's region, such as ${REGIONS.join(' or ')}`}
        />
        <button type="submit" class="secondary">
          Show connections
        </button>
      </form>
      <Alert problem={problem} />
      {connections === null ? null : connections.length === 0 ? (
        <p>No connection of this account in this region.</p>
      ) : (
        <ul>
          {connections.map((c) => (
            <li key={c.id}>
              <Link to={{ page: 'connection', connectionId: c.id, region: region.trim() }}>
                {c.displayName}
              </Link>{' '}
              <span class="muted">{c.status}</span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
