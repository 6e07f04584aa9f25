import { LABEL_LINE_HEIGHT } from '@/app/_components/statechart/label-placement';
import type {
  EdgeLayout,
  NodeLayout,
  StatechartLayout,
} from '@/app/_components/statechart/statechart-layout';

/** The label's lines centred in the box the layout placed clear of every line. */
function EdgeLabel({ edge, last }: { edge: EdgeLayout; last: boolean }) {
  const { x, y, width } = edge.labelBox;
  const middle = x + width / 2;
  return (
    <text
      className={`sc-edge-label${last ? ' sc-edge-label-last' : ''}`}
      x={middle}
      y={y + LABEL_LINE_HEIGHT / 2}
      textAnchor="middle"
      aria-hidden="true"
    >
      {edge.events.map((event, index) => (
        <tspan key={event} x={middle} dy={index === 0 ? '0.35em' : LABEL_LINE_HEIGHT}>
          {event}
        </tspan>
      ))}
    </text>
  );
}

function StateNode({ node, active }: { node: NodeLayout; active: boolean }) {
  const { x, y, width, height } = node.box;
  const notes = [
    ...node.entry.map((action) => `entry / ${action}`),
    ...node.invoke.map((actor) => `invoke ${actor}`),
  ];
  return (
    <g
      className={`sc-node${node.composite ? ' sc-composite' : ''}`}
      data-testid={`state-${node.id}`}
      data-state={active ? 'active' : 'inactive'}
      aria-current={active ? 'true' : undefined}
    >
      <title>{node.id}</title>
      <rect x={x} y={y} width={width} height={height} rx={node.composite ? 14 : 10} />
      {node.composite ? (
        <text className="sc-node-name" x={x + 14} y={y + 24}>
          {node.key}
        </text>
      ) : (
        <>
          <text
            className="sc-node-name"
            x={x + width / 2}
            y={y + height / 2 + (notes.length > 0 ? -4 : 5)}
            textAnchor="middle"
          >
            {node.key}
          </text>
          {notes.map((note, index) => (
            <text
              key={note}
              className="sc-node-note"
              x={x + width / 2}
              y={y + height / 2 + 12 + index * 12}
              textAnchor="middle"
            >
              {note}
            </text>
          ))}
        </>
      )}
      {node.initial && (
        <>
          <circle className="sc-initial" cx={x - 12} cy={y + height / 2} r={4} />
          <line
            className="sc-initial"
            x1={x - 8}
            y1={y + height / 2}
            x2={x - 1}
            y2={y + height / 2}
          />
        </>
      )}
    </g>
  );
}

/**
 * The auth machine drawn from its own description. Pure: which states are active and which
 * transition was taken last come in as props, so the same picture renders on the server.
 */
export function StatechartDiagram({
  layout,
  activeIds,
  lastEdgeId,
  label,
}: {
  layout: StatechartLayout;
  activeIds: readonly string[];
  lastEdgeId?: string | null;
  label: string;
}) {
  // Parents before children, so children are drawn on top.
  const nodes = [...layout.nodes].sort((a, b) => a.id.split('.').length - b.id.split('.').length);
  const { anyState } = layout;
  return (
    <svg
      className="statechart"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="img"
      aria-label={label}
      data-testid="statechart"
    >
      <defs>
        {[
          ['sc-arrow', 'sc-arrowhead'],
          ['sc-arrow-last', 'sc-arrowhead-last'],
        ].map(([id, className]) => (
          <marker
            key={id}
            id={id}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className={className} />
          </marker>
        ))}
      </defs>
      {nodes.map((node) => (
        <StateNode key={node.id} node={node} active={activeIds.includes(node.id)} />
      ))}
      {layout.edges.some((edge) => edge.source === null) && (
        <g className="sc-any">
          <rect
            x={anyState.x}
            y={anyState.y}
            width={anyState.width}
            height={anyState.height}
            rx={anyState.height / 2}
          />
          <text
            x={anyState.x + anyState.width / 2}
            y={anyState.y + anyState.height / 2 + 4}
            textAnchor="middle"
          >
            any state
          </text>
        </g>
      )}
      {layout.edges.map((edge) => (
        <g
          key={edge.id}
          className={`sc-edge${edge.id === lastEdgeId ? ' sc-edge-last' : ''}`}
          data-transition={edge.id}
          data-last={edge.id === lastEdgeId ? 'true' : undefined}
        >
          <title>{edge.details.join('\n')}</title>
          <path
            d={edge.path}
            markerEnd={`url(#${edge.id === lastEdgeId ? 'sc-arrow-last' : 'sc-arrow'})`}
          />
        </g>
      ))}
      {/* Labels after every arrow, so their halo keeps them readable where arrows cross. */}
      {layout.edges.map((edge) => (
        <EdgeLabel key={edge.id} edge={edge} last={edge.id === lastEdgeId} />
      ))}
    </svg>
  );
}
