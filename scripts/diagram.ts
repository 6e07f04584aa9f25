/** Writes the auth machine's diagram to docs/ from the machine itself: `npm run diagram`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { authMachineDiagram, renderMarkdown, renderMermaid } from '@/lib/core/machine/auth.diagram';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
mkdirSync(docs, { recursive: true });
writeFileSync(`${docs}auth-machine.mmd`, renderMermaid(authMachineDiagram));
writeFileSync(`${docs}auth-machine.md`, renderMarkdown(authMachineDiagram));
console.log('Wrote docs/auth-machine.mmd and docs/auth-machine.md');
