#!/usr/bin/env bash
# Scaffolds a package from the template: tools/new-package.sh libs/NAME "description"
set -euo pipefail
dir=$1; desc=${2:-}
name=$(basename "$dir")
case "$dir" in services/*) pkg="@ratchet/$name-service" ;; *) pkg="@ratchet/$name" ;; esac
mkdir -p "$dir/src"
cat > "$dir/package.json" <<JSON
{
  "name": "$pkg",
  "version": "0.1.0",
  "private": true,
  "description": "$desc",
  "main": "dist/index.js",
  "types": "dist/index.d.ts",
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "typecheck": "tsc -p tsconfig.json --noEmit",
    "lint": "eslint src",
    "test:unit": "jest --passWithNoTests --selectProjects unit",
    "test:int": "jest --forceExit --passWithNoTests --selectProjects int",
    "test:e2e": "jest --forceExit --passWithNoTests --selectProjects e2e"
  },
  "dependencies": {}
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "outDir": "dist", "rootDir": "src" },
  "include": ["src"]
}
JSON
cat > "$dir/tsconfig.build.json" <<JSON
{
  "extends": "./tsconfig.json",
  "exclude": ["src/**/*.spec.ts", "src/**/__fixtures__/**"]
}
JSON
cat > "$dir/jest.config.js" <<'JS'
module.exports = require('../../jest.preset.js').jestConfig(__dirname);
JS
