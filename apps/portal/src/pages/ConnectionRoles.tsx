import { useCallback, useEffect, useState } from 'preact/hooks';
import { request, subscribe } from '../api';
import { Problem, problemOf } from '../errors';
import {
  ADD_ROLE,
  Connection,
  CONNECTION_CHANGED,
  CONNECTION_QUERY,
  REMOVE_ROLE,
} from '../queries';
import { SignedIn } from '../session';
import { Alert, TextField, when } from '../ui';

/**
 * The account side of a verified connection: its IAM roles, added by ARN, each role's
 * validation followed live (PENDING, then VALID or INVALID with the reason).
 */
export function ConnectionRoles({
  session,
  connectionId,
}: {
  session: SignedIn;
  connectionId: string;
}) {
  const [connection, setConnection] = useState<Connection | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [roleArn, setRoleArn] = useState('');
  const [live, setLive] = useState(false);

  const load = useCallback(async () => {
    try {
      const data = await request<{ accountConnection: Connection | null }>(
        session,
        CONNECTION_QUERY,
        { id: connectionId },
      );
      if (data.accountConnection) {
        setConnection(data.accountConnection);
      } else {
        setProblem({ text: 'This connection does not exist.', code: 'NOT_FOUND' });
      }
    } catch (error) {
      setProblem(problemOf(error));
    }
  }, [session, connectionId]);

  useEffect(() => {
    void load();
    return subscribe(
      session,
      CONNECTION_CHANGED,
      { id: connectionId },
      () => void load(),
      (error) => setProblem(problemOf(error)),
      () => setLive(true),
    );
  }, [load, session, connectionId]);

  const act = async (query: string, arn: string) => {
    setProblem(null);
    try {
      await request(session, query, { input: { connectionId, roleArn: arn } });
      if (query === ADD_ROLE) {
        setRoleArn('');
      }
      await load();
    } catch (error) {
      // The ARN typed stays in the field.
      setProblem(problemOf(error));
    }
  };

  return (
    <section aria-labelledby="roles-heading">
      <h2 id="roles-heading">IAM roles</h2>
      {connection ? (
        <p class="muted" data-live={live ? 'true' : 'false'}>
          {connection.displayName} · account {connection.accountId} · {connection.status}
          {live ? ' · updates live' : ''}
        </p>
      ) : null}
      <form
        method="post"
        onSubmit={(event) => {
          event.preventDefault();
          void act(ADD_ROLE, roleArn.trim());
        }}
      >
        <TextField
          id="role-arn"
          label="IAM role ARN"
          value={roleArn}
          onInput={setRoleArn}
          required
          hint="arn:aws:iam::<account>:role/<name>"
        />
        <button type="submit">Add role</button>
      </form>
      <Alert problem={problem} />
      {connection && connection.roles.length > 0 ? (
        <table class="roles-table">
          <caption class="visually-hidden">IAM roles of this connection</caption>
          <thead>
            <tr>
              <th scope="col">Role ARN</th>
              <th scope="col">Validation</th>
              <th scope="col">Reason</th>
              <th scope="col">Checked</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {connection.roles.map((role) => (
              <tr key={role.roleArn} data-role={role.roleArn}>
                <th scope="row">
                  <code>{role.roleArn}</code>
                </th>
                <td>
                  <span class={`status status-${role.validation.status.toLowerCase()}`}>
                    {role.validation.status}
                  </span>
                </td>
                <td>{role.validation.reason ?? '—'}</td>
                <td>{when(role.validation.checkedAt)}</td>
                <td>
                  <button
                    type="button"
                    class="danger"
                    aria-label={`Remove role ${role.roleArn}`}
                    onClick={() => void act(REMOVE_ROLE, role.roleArn)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : connection ? (
        <p>No IAM role is associated with this connection yet.</p>
      ) : null}
    </section>
  );
}
