import { useState } from 'preact/hooks';
import { request } from '../api';
import { Problem, problemOf } from '../errors';
import { ME } from '../queries';
import { Me, SignedIn } from '../session';
import { Alert, TextField } from '../ui';

/** Sign in with an API key: a user's (space side) or an account's (account side). */
export function SignIn({ onSignedIn }: { onSignedIn: (session: SignedIn) => void }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const data = await request<{ me: Me }>({ key: key.trim() }, ME);
      onSignedIn({ key: key.trim(), me: data.me });
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main">
      <h1>Sign in</h1>
      <p>
        Space members sign in with their user API key; AWS account administrators with their
        account's API key.
      </p>
      <form method="post" onSubmit={submit}>
        <TextField
          id="api-key"
          label="API key"
          type="password"
          value={key}
          onInput={setKey}
          required
          focus
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <Alert problem={problem} />
    </main>
  );
}
