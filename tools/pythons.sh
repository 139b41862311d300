#!/usr/bin/env bash
# The suite's quick part (every service's unit tests, the shared library's tests on the real
# PostgreSQL and Keycloak, the structure test) again on each further supported Python, each in an
# environment of its own under var/ from the same lock. The whole suite runs on the default one.
# An interpreter is found on PATH or among pyenv's versions; with CI=true a missing one fails.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-python3 -m uv}

find_python() {
	local version=$1 candidate
	for candidate in $(command -v "python$version" 2>/dev/null) \
		"${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version"; do
		if [ -x "$candidate" ] && "$candidate" -c '' 2>/dev/null; then
			echo "$candidate"
			return
		fi
	done
}

for version in "$@"; do
	interpreter=$(find_python "$version")
	if [ -z "$interpreter" ]; then
		echo "找不到 Python $version / Python $version not found" >&2
		[ "${CI:-}" = true ] && exit 1
		continue
	fi
	echo "== Python $version: $interpreter"
	UV_PROJECT_ENVIRONMENT="var/python-$version" $uv run --frozen --python "$interpreter" \
		pytest services/*/tests/unit shared/tests tests/structure -q -p no:cacheprovider \
		--durations=5 -o console_output_style=classic
done
