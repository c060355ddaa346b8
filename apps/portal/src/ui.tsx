import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { hrefOf, navigate, Route } from './router';
import { Problem } from './errors';

/** An error, read out by screen readers as it appears, with the API's code. */
export function Alert({ problem }: { problem: Problem | null }) {
  if (!problem) {
    return null;
  }
  return (
    <p class="alert" role="alert">
      {problem.text} <span class="code">({problem.code})</span>
    </p>
  );
}

/** A success message, announced politely. */
export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}

/** A link inside the portal: a real <a href>, so keyboard and middle-click work. */
export function Link({ to, children }: { to: Route; children: ComponentChildren }) {
  const onClick = (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    if (event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
      event.preventDefault();
      navigate(to);
    }
  };
  return (
    <a href={hrefOf(to)} onClick={onClick}>
      {children}
    </a>
  );
}

export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: string;
  required?: boolean;
  autoComplete?: string;
  hint?: string;
  focus?: boolean;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.focus) {
      ref.current?.focus();
    }
  }, [props.focus]);
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        ref={ref}
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        autoComplete={props.autoComplete ?? 'off'}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

export function when(iso: string | null | undefined): string {
  return iso ? `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—';
}
