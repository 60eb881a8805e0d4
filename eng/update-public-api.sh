#!/usr/bin/env bash
# Adds every public symbol the compiler reports as undeclared (RS0016) to the project's PublicAPI.Unshipped.txt.
# Usage: eng/update-public-api.sh src/Portable.Functions   (review the diff before committing it)
set -euo pipefail
project_dir=${1:?project directory}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
log=$(mktemp)
dotnet build "$project_dir" -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= --no-incremental -v:q -clp:NoSummary -p:GenerateDocumentationFile=true >"$log" 2>&1 || true
grep -oP "RS0016: Symbol '\K.*?(?=' is not part of the declared public API)" "$log" | sort -u >>"$unshipped" || true
# Symbols that are declared but gone (RS0017) are dropped from the unshipped list.
grep -oP "RS0017: Symbol '\K.*?(?=' is part of the declared API)" "$log" | sort -u >"$log.removed" || true
if [ -s "$log.removed" ]; then grep -vxF -f "$log.removed" "$unshipped" >"$unshipped.kept" || true; mv "$unshipped.kept" "$unshipped"; fi
rm -f "$log.removed"
{ echo '#nullable enable'; grep -v '^#nullable enable$' "$unshipped" | sort -u; } >"$unshipped.tmp"
mv "$unshipped.tmp" "$unshipped"
rm -f "$log"
grep -c . "$unshipped" | xargs echo "declared symbols:"
