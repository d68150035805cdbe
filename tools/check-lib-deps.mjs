// Fails when a package under libs/ depends on NestJS (declared dependency or import in src/).
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const offenders = [];

function walk(dir, visit) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, visit);
    else if (full.endsWith('.ts')) visit(full);
  }
}

for (const lib of readdirSync(join(root, 'libs'))) {
  const dir = join(root, 'libs', lib);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })) {
    if (dep.startsWith('@nestjs/')) offenders.push(`${lib}/package.json depends on ${dep}`);
  }
  if (existsSync(join(dir, 'src'))) {
    walk(join(dir, 'src'), (file) => {
      const text = readFileSync(file, 'utf8');
      // static (`from`), side-effect (`import '…'`), dynamic (`import('…')`) and CommonJS imports
      if (/(?:from|import|import\s*\(|require\s*\()\s*['"`]@nestjs(?:\/|['"`])/.test(text)) offenders.push(`${file} imports @nestjs`);
    });
  }
}

if (offenders.length > 0) {
  console.error('Libraries must not import NestJS:\n  ' + offenders.join('\n  '));
  process.exit(1);
}
console.log('libs/ are free of NestJS');
