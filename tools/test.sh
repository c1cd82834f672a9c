#!/usr/bin/env bash
# The project's test command (`npm test`): brings the Docker test bed up when it is not running,
# then runs static checks, unit, integration (real engine + registry) and e2e tests, and the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "test bed (tools/docker-engine/up.sh)"
bash tools/docker-engine/up.sh

step "typecheck"
npm run --silent typecheck

step "lint, format"
npm run --silent lint
npm run --silent format:check

step "unit tests"
npm run --silent test:unit

step "integration tests (real engine, local registries)"
npm run --silent test:itg

step "e2e tests (packed plugin in throwaway workspaces)"
npm run --silent test:e2e

step "demo (the README's first Quick-start command)"
npm run --silent demo
