# Sourced by the benchmark scripts: moves to the repository root and sets $capsim to the
# release binary, building it first if it is missing.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
capsim=.build/release/capsim
[ -x "$capsim" ] || swift build -c release --product capsim >/dev/null
