import type { MachineDiagram } from 'token-reissue';

/** Every transition with its guard and actions: what the arrows leave out, read from the same description. */
export function TransitionTable({ diagram }: { diagram: MachineDiagram }) {
  return (
    <details className="transitions">
      <summary>Every transition, with guards and actions</summary>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Event</th>
              <th scope="col">Guard</th>
              <th scope="col">To</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {diagram.transitions.map((transition, index) => (
              <tr key={index}>
                <td>{transition.source ?? 'any state'}</td>
                <td>{transition.event}</td>
                <td>{transition.guard ?? '—'}</td>
                <td>{transition.target ?? '(stays)'}</td>
                <td>{transition.actions.join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
