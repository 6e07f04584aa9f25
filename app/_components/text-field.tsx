import type { InputHTMLAttributes } from 'react';

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  name: string;
  label: string;
  /** Validation message; announced through aria-describedby and marks the input invalid. */
  error?: string;
  hint?: string;
};

/**
 * A labelled input with its hint and validation message wired up for assistive technology. The
 * message replaces the hint: both at once say the same rule twice.
 */
export function TextField({ name, label, error, hint, ...input }: TextFieldProps) {
  const describedBy = error ? `${name}-error` : hint ? `${name}-hint` : undefined;
  return (
    <>
      <label htmlFor={name}>{label}</label>
      <input
        id={name}
        name={name}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy}
        {...input}
      />
      {hint && !error && (
        <p id={`${name}-hint`} className="muted hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${name}-error`} className="field-error">
          {error}
        </p>
      )}
    </>
  );
}
