import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMachine, type AnyStateNode } from 'xstate';
import {
  authMachineDiagram,
  DIAGRAM_END,
  DIAGRAM_START,
  describeMachine,
  embedDiagram,
  renderMarkdown,
  renderMermaid,
} from '@/machines/auth.diagram';
import { authMachine } from '@/machines/auth.machine';

function committed(file: string): string {
  return readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8');
}

function stateNodesOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...stateNodesOf(child)]);
}

describe('docs/auth-machine.*', () => {
  it('the committed Mermaid file is what the machine renders today (run `npm run diagram`)', () => {
    expect(committed('docs/auth-machine.mmd')).toBe(renderMermaid(authMachineDiagram));
  });

  it('the committed Markdown page is what the machine renders today (run `npm run diagram`)', () => {
    const markdown = committed('docs/auth-machine.md');

    expect(markdown).toBe(renderMarkdown(authMachineDiagram));
    expect(markdown).toContain('```mermaid\nstateDiagram-v2\n');
    expect(markdown).toContain('`npm run diagram`');
  });

  it('the README embeds the same diagram between its markers (run `npm run diagram`)', () => {
    const readme = committed('README.md');
    const embedded = readme.slice(readme.indexOf(DIAGRAM_START), readme.indexOf(DIAGRAM_END));

    expect(readme).toBe(embedDiagram(readme, authMachineDiagram));
    expect(embedded).toContain(renderMermaid(authMachineDiagram));
    // `refreshed` is drawn inside `authenticated`, never beside it.
    expect(embedded).toMatch(
      /state authenticated \{[^}]*state "refreshed" as authenticated_refreshed[^}]*\}/,
    );
    expect(embedded).toContain('expired --> signedOut : SIGN_OUT');
    expect(embedded).toContain('authenticated --> authenticated : SESSION_UPDATE [isNewerSession]');
    for (const { guard } of authMachineDiagram.transitions) {
      if (guard) expect(embedded).toContain(`[${guard}]`);
    }
  });

  it('embedDiagram replaces only what lies between the markers, and refuses a page without them', () => {
    const page = `# Title\n\n${DIAGRAM_START}\nold picture\n${DIAGRAM_END}\n\nProse after.\n`;
    const embedded = embedDiagram(page, authMachineDiagram);

    expect(
      embedded.startsWith(`# Title\n\n${DIAGRAM_START}\n\n\`\`\`mermaid\nstateDiagram-v2\n`),
    ).toBe(true);
    expect(embedded.endsWith(`\`\`\`\n\n${DIAGRAM_END}\n\nProse after.\n`)).toBe(true);
    expect(embedded).not.toContain('old picture');
    expect(embedDiagram(embedded, authMachineDiagram)).toBe(embedded);
    expect(() => embedDiagram('# No markers\n', authMachineDiagram)).toThrow(/Markers not found/);
  });

  it('names every state, event, delay, actor and guard of the machine', () => {
    const mermaid = renderMermaid(describeMachine(authMachine));
    const nodes = stateNodesOf(authMachine.root);
    const guards = Object.keys(authMachine.implementations.guards);

    for (const node of nodes) expect(mermaid).toContain(node.key);
    for (const event of ['SESSION_UPDATE', 'TOKEN_REJECTED', 'SIGN_OUT', 'RETRY', 'WAKE']) {
      expect(mermaid).toContain(event);
    }
    for (const name of ['after refreshDue', 'after reissueTimeout', 'invoke reissue']) {
      expect(mermaid).toContain(name);
    }
    for (const name of ['reissue done', 'reissue error', 'persistSession', 'signOut']) {
      expect(mermaid).toContain(name);
    }
    for (const guard of guards) expect(mermaid).toContain(`[${guard}]`);
  });
});

describe('describeMachine', () => {
  it('lists every state with its parent, and every declared transition once', () => {
    const diagram = describeMachine(authMachine);
    const declared = [authMachine.root, ...stateNodesOf(authMachine.root)].flatMap((node) =>
      [...node.transitions.values()].flat(),
    );

    expect(diagram.states.map(({ id, parent, initial }) => ({ id, parent, initial }))).toEqual([
      { id: 'signedOut', parent: null, initial: true },
      { id: 'authenticated', parent: null, initial: false },
      { id: 'authenticated.active', parent: 'authenticated', initial: true },
      { id: 'authenticated.refreshed', parent: 'authenticated', initial: false },
      { id: 'refreshing', parent: null, initial: false },
      { id: 'refreshing.proactive', parent: 'refreshing', initial: false },
      { id: 'refreshing.reactive', parent: 'refreshing', initial: true },
      { id: 'expired', parent: null, initial: false },
    ]);
    expect(diagram.transitions).toHaveLength(declared.length);
  });

  it('gives each transition a source, target, event label, guard and actions', () => {
    const { transitions, states } = describeMachine(authMachine);

    expect(transitions).toContainEqual({
      source: 'signedOut',
      target: 'authenticated',
      kind: 'event',
      event: 'SESSION_UPDATE',
      guard: 'hasSession',
      actions: ['adoptSession'],
      label: 'SESSION_UPDATE [hasSession] / adoptSession',
    });
    expect(transitions).toContainEqual(
      expect.objectContaining({ source: null, target: 'signedOut', event: 'SIGN_OUT' }),
    );
    expect(transitions).toContainEqual(
      expect.objectContaining({
        source: 'refreshing',
        target: 'authenticated.refreshed',
        kind: 'done',
        event: 'reissue done',
      }),
    );
    expect(transitions).toContainEqual(
      expect.objectContaining({
        source: 'refreshing',
        target: 'expired',
        kind: 'error',
        guard: 'isRefreshTokenDead',
      }),
    );
    expect(transitions).toContainEqual(
      expect.objectContaining({
        source: 'authenticated',
        kind: 'after',
        guard: 'mayReissueProactively',
      }),
    );
    expect(transitions).toContainEqual(
      expect.objectContaining({
        source: 'refreshing.reactive',
        target: null,
        event: 'TOKEN_REJECTED',
      }),
    );
    expect(transitions).toContainEqual(
      expect.objectContaining({
        source: 'refreshing.proactive',
        target: 'refreshing.reactive',
        event: 'TOKEN_REJECTED',
      }),
    );
    expect(states.find((state) => state.id === 'refreshing')?.invoke).toEqual(['reissue']);
    expect(states.find((state) => state.id === 'authenticated.refreshed')?.entry).toEqual([
      'persistSession',
    ]);
  });

  it('renders numeric delays and states nested two deep in any machine', () => {
    const machine = createMachine({
      id: 'door',
      initial: 'closed',
      states: {
        closed: { on: { OPEN: 'open' } },
        open: {
          initial: 'swinging',
          states: { swinging: { after: { 1500: 'still' } }, still: {} },
          on: { CLOSE: 'closed' },
        },
      },
    });

    expect(renderMermaid(describeMachine(machine))).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> closed',
        '  closed',
        '  state open {',
        '    [*] --> open_swinging',
        '    state "swinging" as open_swinging',
        '    state "still" as open_still',
        '  }',
        '  closed --> open : OPEN',
        '  open --> closed : CLOSE',
        '  open_swinging --> open_still : after 1500',
        '',
      ].join('\n'),
    );
  });
});
