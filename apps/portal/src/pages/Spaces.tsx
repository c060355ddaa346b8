import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { Problem, problemOf } from '../errors';
import { SPACES, SpaceSummary } from '../queries';
import { SignedIn } from '../session';
import { Alert, Link } from '../ui';

/** The spaces the signed-in user belongs to. */
export function Spaces({ session }: { session: SignedIn }) {
  const [spaces, setSpaces] = useState<SpaceSummary[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    request<{ spaces: { edges: { node: SpaceSummary }[] } }>(session, SPACES).then(
      (data) => setSpaces(data.spaces.edges.map((edge) => edge.node)),
      (error) => setProblem(problemOf(error)),
    );
  }, [session]);
  return (
    <main id="main">
      <h1>Your spaces</h1>
      <Alert problem={problem} />
      {spaces === null ? null : spaces.length === 0 ? (
        <p>You are not a member of any space yet.</p>
      ) : (
        <ul class="spaces">
          {spaces.map((space) => (
            <li key={space.id}>
              <Link to={{ page: 'space', spaceId: space.id }}>{space.name}</Link>{' '}
              <span class="muted">
                {space.region}, {space.tier} tier
              </span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
