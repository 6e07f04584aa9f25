/** Writes the auth machine's diagram from the machine itself into docs/ and the README: `npm run diagram`. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  authMachineDiagram,
  embedDiagram,
  renderMarkdown,
  renderMermaid,
} from '../machines/auth.diagram';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const readme = fileURLToPath(new URL('../README.md', import.meta.url));
mkdirSync(docs, { recursive: true });
writeFileSync(`${docs}auth-machine.mmd`, renderMermaid(authMachineDiagram));
writeFileSync(`${docs}auth-machine.md`, renderMarkdown(authMachineDiagram));
writeFileSync(readme, embedDiagram(readFileSync(readme, 'utf8'), authMachineDiagram));
console.log('Wrote docs/auth-machine.mmd, docs/auth-machine.md and the diagram in README.md');
