#!/usr/bin/env bash
# The cold-start harness of docs/benchmarks.md: publishes the samples and their baselines (Native AOT, and JIT
# self-contained), then measures them interleaved — the Lambda ones against a loopback Runtime API (spawn → first
# /response; beside them a Native AOT hello world, spawn → exit), the HTTP ones by polling (spawn → first 200 to a
# 1 KB POST) — and the first (de)serialization of the Greeter's JSON in fresh Native AOT processes.
#   benchmarks/coldstart/run.sh [runs]      (default 17, after 2 discarded rounds)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-17}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

publish() { # <project> <output name> <aot|jit>
  local flags=(-c Release -r linux-x64 -o "$out/$2")
  [ "$3" = jit ] && flags+=(--self-contained -p:PublishAot=false)
  dotnet publish "$1" "${flags[@]}" >"$out/$2.log" 2>&1 || { cat "$out/$2.log"; exit 1; }
}

echo "== publishing (Native AOT and JIT, linux-x64)"
publish samples/Greeter/Greeter.AwsLambda lambda-aot aot
publish benchmarks/coldstart/NaiveLambdaLoop naive-aot aot
publish samples/Greeter/Greeter.AwsLambda lambda-jit jit
publish benchmarks/coldstart/NaiveLambdaLoop naive-jit jit
publish samples/Greeter/Greeter.Http http-aot aot
publish benchmarks/coldstart/SlimEndpoint slim-aot aot
publish samples/Greeter/Greeter.Http http-jit jit
publish benchmarks/coldstart/SlimEndpoint slim-jit jit
publish benchmarks/coldstart/FirstSerialization first-aot aot
publish benchmarks/coldstart/HelloWorld hello-aot aot
dotnet build benchmarks/coldstart/ColdStart -c Release -o "$out/harness" >"$out/harness.log" 2>&1 || { cat "$out/harness.log"; exit 1; }

harness() { "$out/harness/ColdStart" "$@" --runs "$runs"; }
echo; echo "== Lambda, Native AOT: spawn → first /response"
harness lambda "naive loop (AOT)=$out/naive-aot/NaiveLambdaLoop" "Greeter.AwsLambda (AOT)=$out/lambda-aot/Greeter.AwsLambda" \
  --reference "$out/hello-aot/HelloWorld"
if command -v taskset >/dev/null; then
  # Lambda gives a function of up to 1,769 MB at most one vCPU-second per second, which the Runtime API shares.
  echo; echo "== Lambda, Native AOT, on one processor (taskset -c 0: programs and Runtime API share it)"
  taskset -c 0 "$out/harness/ColdStart" lambda "naive loop (AOT)=$out/naive-aot/NaiveLambdaLoop" \
    "Greeter.AwsLambda (AOT)=$out/lambda-aot/Greeter.AwsLambda" --runs "$runs"
fi
echo; echo "== Lambda, JIT (self-contained): spawn → first /response"
harness lambda "naive loop (JIT)=$out/naive-jit/NaiveLambdaLoop" "Greeter.AwsLambda (JIT)=$out/lambda-jit/Greeter.AwsLambda"
echo; echo "== First (de)serialization, Native AOT: the Greeter's JSON metadata as the core builds it, first read, first write (µs, median of $runs fresh processes)"
for i in $(seq 1 $((runs + 2))); do "$out/first-aot/FirstSerialization"; done | tail -n "$runs" | awk '
  { m[NR] = $1; r[NR] = $2; w[NR] = $3; t[NR] = $1 + $2 + $3 }
  function median(a, n,   i, j, x) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }; return a[int((n + 1) / 2)] }
  END { printf "metadata %d µs, first read %d µs, first write %d µs, together %d µs\n", median(m, NR), median(r, NR), median(w, NR), median(t, NR) }'
echo; echo "== HTTP, Native AOT: spawn → first 200"
harness http "slim endpoint (AOT)=$out/slim-aot/SlimEndpoint" "Greeter.Http (AOT)=$out/http-aot/Greeter.Http"
echo; echo "== HTTP, JIT (self-contained): spawn → first 200"
harness http "slim endpoint (JIT)=$out/slim-jit/SlimEndpoint" "Greeter.Http (JIT)=$out/http-jit/Greeter.Http"
