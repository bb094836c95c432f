#!/usr/bin/env bash
# Consumer-app test of the NuGet packages and of the C# code in the README (issue 11, points 1 and 5).
#
# 1. Packs MlNetDeep (src/Estimators) and MlNetDeep.Scoring (src/Transforms) into a temporary folder with a per-run
#    prerelease version, so NuGet's global cache can never serve a stale copy.
# 2. Builds two fresh console apps outside the repository that get MlNetDeep packages only from that folder (a temp
#    nuget.config adds it on top of the machine's own sources):
#    - train: MlNetDeep + Microsoft.ML.OnnxRuntime. Its Program.cs is the README's Quick start block verbatim plus one
#      appended line that writes the in-memory model's predictions for the test rows; ReadmeHarness.cs supplies
#      rows / validationRows / testRows from examples/QuickStart/data/digits.csv.gz.
#    - score: only MlNetDeep.Scoring + Microsoft.ML + Microsoft.ML.OnnxRuntime. Loads model.zip in a fresh MLContext
#      (another process) and writes the predictions for the same rows.
# 3. Runs both, compares the two prediction files byte for byte, and checks that the scoring app's output holds
#    MlNetDeep.Transforms.dll but no MlNetDeep.Engine/Onnx/Trainers/Estimators dll.
#
# C# blocks in README.md, src/Estimators/PACKAGE.md and src/Transforms/PACKAGE.md. Every fenced block whose language
# is csharp, cs or c# is compiled. The nearest non-blank line above the fence may be a marker that says how:
#   <!-- readme-test: quick-start -->   the Program.cs of the train app, compiled and run (exactly one, in README.md)
#   <!-- readme-test: snippet -->       compiled in the train app inside a static method (the default in README.md and
#                                       src/Estimators/PACKAGE.md)
#   <!-- readme-test: scoring -->       the same, in the scoring-only app (the default in src/Transforms/PACKAGE.md)
#   <!-- readme-test: file -->          compiled verbatim as its own file in the train app (type declarations)
#   <!-- readme-test: skip REASON -->   not compiled; REASON is required
# In a snippet, leading `using X;` lines become the file's usings; the rest becomes a method body. Global usings
# Microsoft.ML, Microsoft.ML.Data (and MlNetDeep in the train app) are in scope, and so are the harness members:
# rows, validationRows, testRows (real data) and ml, train, validation, test, model (compile-only stand-ins that
# throw if run; a snippet's own `var ml = ...` simply hides them). Snippets are compiled, not run. Warnings are errors.
# A compile error is reported at its README line (#line directives).
#
# Usage: bash scripts/test-packages.sh   (from anywhere; needs the .NET 10 SDK; about 2 minutes)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$SECONDS

fail() { echo "test-packages: FAILED: $*" >&2; exit 1; }
step() { echo "test-packages: $* ($((SECONDS - started)) s)"; }

version="0.1.0-ci.$(date -u +%Y%m%d%H%M%S).$$"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mlnetdeep-packages.XXXXXX")
cache=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
[ -n "$cache" ] || fail "could not find NuGet's global packages folder (dotnet nuget locals global-packages --list)"
cleanup() {
  rm -rf "$tmp"
  # The per-run version is never used again: drop its copies from the global cache.
  rm -rf "${cache%/}/mlnetdeep/$version" "${cache%/}/mlnetdeep.scoring/$version"
  rmdir "${cache%/}/mlnetdeep" "${cache%/}/mlnetdeep.scoring" 2>/dev/null || true   # only if no other version is there
}
trap cleanup EXIT

# Versions the apps use, from the repository's central versions.
pkgver() { sed -n "s/.*<PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" Directory.Packages.props; }
ort=$(pkgver Microsoft.ML.OnnxRuntime)
mlnet=$(pkgver Microsoft.ML)
[ -n "$ort" ] && [ -n "$mlnet" ] || fail "Microsoft.ML / Microsoft.ML.OnnxRuntime versions not found in Directory.Packages.props"

# ---- C# blocks -------------------------------------------------------------------------------------------------
train="$tmp/train" score="$tmp/score" work="$tmp/work" feed="$tmp/feed"
mkdir -p "$train" "$score" "$work" "$feed"

# extract FILE DEFAULT_MODE TAG: writes each block to $tmp/blocks/TAG.N.cs; prints "MODE<tab>LINE<tab>OUTFILE<tab>FILE"
# per block, LINE being the block's first line. The marker is the nearest non-blank line above the fence.
extract() {
  mkdir -p "$tmp/blocks"
  awk -v src="$1" -v dflt="$2" -v out="$tmp/blocks/$3" '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    !inblock && /^[ \t]*```[ \t]*(csharp|cs|c#|C#)[ \t]*$/ {
      inblock = 1; n++; mode = dflt
      if (marker ~ /^<!-- *readme-test:/) {
        m = marker; sub(/^<!-- *readme-test: */, "", m); sub(/ *-->$/, "", m); mode = m
      }
      file = out "." n ".cs"; printf "" > file
      printf "%s\t%d\t%s\t%s\n", mode, NR + 1, file, src
      next
    }
    inblock && /^[ \t]*```[ \t]*$/ { inblock = 0; close(file); next }
    inblock { print > file; next }
    trim($0) != "" { marker = trim($0) }
    END { if (inblock) { print "unclosed ``` block in " src > "/dev/stderr"; exit 1 } }
  ' "$1"
}
blocks=$(extract README.md snippet readme && extract src/Estimators/PACKAGE.md snippet training-package &&
         extract src/Transforms/PACKAGE.md scoring scoring-package) || fail "could not read the C# blocks"

quick=0 compiled=0 skipped=0 n=0
while IFS=$'\t' read -r mode line file src; do
  [ -n "$mode" ] || continue
  n=$((n + 1))
  where="$src:$((line - 1))"
  case "$mode" in
    quick-start)
      [ "$src" = README.md ] || fail "$where: the quick-start marker belongs in README.md"
      quick=$((quick + 1))
      { echo "#line $line \"$repo/$src\""; cat "$file"; echo '#line default'
        echo 'ReadmeHarness.WritePredictions(ml, model, "predictions-train.txt");'; } > "$train/Program.cs" ;;
    snippet|scoring)
      dir=$train; [ "$mode" = scoring ] && dir=$score
      out="$dir/ReadmeBlock$n.cs"
      usings=$(awk '/^[ \t]*$/ { next } /^using( static)? [A-Za-z_][A-Za-z0-9_.]*;[ \t]*$/ { print; next } { exit }' "$file")
      nusing=$(awk '/^[ \t]*$/ { c++; next } /^using( static)? [A-Za-z_][A-Za-z0-9_.]*;[ \t]*$/ { c++; next } { exit } END { print c + 0 }' "$file")
      { printf '%s\n' "$usings"
        echo "internal static class ReadmeBlock$n"
        echo '{'
        echo "    // $where"
        echo "    internal static void Run()"
        echo '    {'
        echo "#line $((line + nusing)) \"$repo/$src\""
        tail -n "+$((nusing + 1))" "$file"
        echo '#line default'
        echo '    }'
        echo '}'; } > "$out"
      compiled=$((compiled + 1)) ;;
    file)
      { echo "#line $line \"$repo/$src\""; cat "$file"; } > "$train/ReadmeBlock$n.cs"
      compiled=$((compiled + 1)) ;;
    skip\ ?*) skipped=$((skipped + 1)) ;;
    *) fail "$where: unknown or incomplete marker 'readme-test: $mode' (quick-start, snippet, scoring, file, or skip REASON)" ;;
  esac
done <<< "$blocks"
[ "$quick" -eq 1 ] || fail "README.md must have exactly one C# block marked <!-- readme-test: quick-start --> (found $quick)"
step "C# blocks: 1 quick-start program, $compiled compiled as snippets or files, $skipped skipped"

# ---- Packages --------------------------------------------------------------------------------------------------
# Debug by default: the configuration `dotnet test` has just built in .ci/run (with ContinuousIntegrationBuild, as CI=true
# sets it for src/), so packing compiles nothing again; what is tested is the packages' content and dependencies.
# MLNETDEEP_PACK_CONFIGURATION=Release tests release builds.
configuration=${MLNETDEEP_PACK_CONFIGURATION:-Debug}
step "packing MlNetDeep and MlNetDeep.Scoring $version ($configuration)"
for project in src/Transforms src/Estimators; do
  dotnet pack "$project" -c "$configuration" -o "$feed" -p:PackageVersion="$version" -p:ContinuousIntegrationBuild=true \
    --nologo -v quiet > "$tmp/pack.log" 2>&1 || { cat "$tmp/pack.log" >&2; fail "dotnet pack $project"; }
done
for id in MlNetDeep MlNetDeep.Scoring; do
  [ -f "$feed/$id.$version.nupkg" ] || fail "dotnet pack did not make $id.$version.nupkg (made: $(ls "$feed"))"
done

# The local folder on top of the machine's own sources (no <clear/>: ML.NET and ONNX Runtime come from those).
cat > "$tmp/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="mlnetdeep-under-test" value="$feed" />
  </packageSources>
</configuration>
EOF

# ---- Apps ------------------------------------------------------------------------------------------------------
csproj() { # name, package references as "Id Version" lines
  echo '<Project Sdk="Microsoft.NET.Sdk">'
  echo "  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><AssemblyName>$1</AssemblyName>"
  echo '    <ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup>'
  echo '  <ItemGroup>'
  shift
  for ref in "$@"; do echo "    <PackageReference Include=\"${ref% *}\" Version=\"${ref#* }\" />"; done
  echo '  </ItemGroup>'
  echo '</Project>'
}
csproj ReadmeTrain "MlNetDeep $version" "Microsoft.ML.OnnxRuntime $ort" > "$train/ReadmeTrain.csproj"
csproj ReadmeScore "MlNetDeep.Scoring $version" "Microsoft.ML $mlnet" "Microsoft.ML.OnnxRuntime $ort" > "$score/ReadmeScore.csproj"

# The harness both apps share: the digits rows and the prediction writer (bit patterns, so equal text = equal floats).
cat > "$tmp/ReadmeHarness.cs" <<'EOF'
global using Microsoft.ML;
global using Microsoft.ML.Data;
global using static ReadmeHarness;
using System.Globalization;
using System.IO.Compression;

/// <summary>One 8×8 digit, as the README's rows.</summary>
public sealed class Digit
{
    [VectorType(64)] public float[] Features { get; set; } = [];
    public float Label { get; set; }
}

/// <summary>What the apps read back from the model.</summary>
public sealed class DigitPrediction
{
    public float PredictedDigit { get; set; }
    public float[] Score { get; set; } = [];
}

#pragma warning disable IDE1006 // lower-case names: they stand for the README's local variables
public static class ReadmeHarness
{
    private static readonly List<Digit> All = Load("digits.csv.gz");

    public static IEnumerable<Digit> rows => All.Where((_, i) => i % 5 >= 2);
    public static IEnumerable<Digit> validationRows => All.Where((_, i) => i % 5 == 1);
    public static IEnumerable<Digit> testRows => All.Where((_, i) => i % 5 == 0);

    // Compile-only stand-ins for the Quick start's variables, for snippets that continue it (never run).
    public static MLContext ml => throw new NotSupportedException("compile-only stand-in");
    public static IDataView train => throw new NotSupportedException("compile-only stand-in");
    public static IDataView validation => throw new NotSupportedException("compile-only stand-in");
    public static IDataView test => throw new NotSupportedException("compile-only stand-in");
    public static ITransformer model => throw new NotSupportedException("compile-only stand-in");

    /// <summary>Writes PredictedDigit and every Score of the test rows, as float bit patterns.</summary>
    public static void WritePredictions(MLContext context, ITransformer transformer, string path)
    {
        var scored = transformer.Transform(context.Data.LoadFromEnumerable(testRows));
        using var writer = new StreamWriter(path);
        int n = 0;
        foreach (var p in context.Data.CreateEnumerable<DigitPrediction>(scored, reuseRowObject: false))
        {
            writer.WriteLine(string.Join(' ', new[] { p.PredictedDigit }.Concat(p.Score)
                .Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))));
            n++;
        }
        Console.WriteLine($"wrote {n} predictions to {path}");
    }

    private static List<Digit> Load(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var digits = new List<Digit>();
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            if (line.Length == 0) continue;
            var v = line.Split(',').Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            digits.Add(new Digit { Features = v[..64], Label = v[64] });
        }
        return digits;
    }
}
EOF
cp "$tmp/ReadmeHarness.cs" "$train/"
cp "$tmp/ReadmeHarness.cs" "$score/"
echo 'global using MlNetDeep;' > "$train/GlobalUsings.cs"
cat > "$score/Program.cs" <<'EOF'
// A separate process with only MlNetDeep.Scoring: load the saved model in a fresh MLContext and score the same rows.
var context = new MLContext();
var loaded = context.Model.Load("model.zip", out _);
ReadmeHarness.WritePredictions(context, loaded, "predictions-score.txt");
EOF
cp examples/QuickStart/data/digits.csv.gz "$work/"

# One solution, so restore and build of the two apps run in one command (in parallel).
printf '<Solution>\n  <Project Path="train/ReadmeTrain.csproj" />\n  <Project Path="score/ReadmeScore.csproj" />\n</Solution>\n' > "$tmp/apps.slnx"
step "building the train and score apps against the packages"
dotnet build "$tmp/apps.slnx" -c Release --nologo -v quiet > "$tmp/build.log" 2>&1 || {
  grep -E 'error|warning' "$tmp/build.log" | sort -u >&2 || cat "$tmp/build.log" >&2
  fail "the apps do not build against the packages (C# from the README is reported at its README line)"; }
for app in train score; do ln -s "bin/Release/net10.0" "$tmp/$app/out"; done

# Where the packages came from: the per-run version exists only in the temp folder; check the cache says so too.
for id in mlnetdeep mlnetdeep.scoring; do
  meta="${cache%/}/$id/$version/.nupkg.metadata"
  [ -f "$meta" ] || fail "$id $version was not restored into $cache"
  grep -q "\"source\": *\"${feed}/\?\"" "$meta" || fail "$id $version came from elsewhere than $feed: $(cat "$meta")"
done
grep -qiE 'id="Microsoft.ML.OnnxRuntime(.Gpu)?"' "${cache%/}/mlnetdeep.scoring/$version/mlnetdeep.scoring.nuspec" &&
  fail "MlNetDeep.Scoring depends on a native ONNX Runtime package; it must leave that choice to the application"
for dll in MlNetDeep.Estimators MlNetDeep.Engine MlNetDeep.Onnx MlNetDeep.Trainers MlNetDeep.Transforms; do
  [ -f "$train/out/$dll.dll" ] || fail "the train app's output lacks $dll.dll"
done
[ -f "$score/out/MlNetDeep.Transforms.dll" ] || fail "the scoring app's output lacks MlNetDeep.Transforms.dll"
extra=$(cd "$score/out" && ls MlNetDeep.Engine.dll MlNetDeep.Onnx.dll MlNetDeep.Trainers.dll MlNetDeep.Estimators.dll 2>/dev/null || true)
[ -z "$extra" ] || fail "the scoring-only app's output contains $extra"

step "running the Quick start (train app)"
(cd "$work" && dotnet "$train/out/ReadmeTrain.dll") > "$tmp/train.log" 2>&1 || {
  cat "$tmp/train.log" >&2; fail "the README's Quick start failed when run against the packages"; }
tail -n 3 "$tmp/train.log"
[ -f "$work/model.zip" ] && [ -f "$work/model.onnx" ] || fail "the Quick start did not write model.zip and model.onnx"

step "scoring model.zip in the scoring-only app"
(cd "$work" && dotnet "$score/out/ReadmeScore.dll") > "$tmp/score.log" 2>&1 || {
  cat "$tmp/score.log" >&2; fail "the scoring-only app could not load or score model.zip"; }
cat "$tmp/score.log"

rows=$(wc -l < "$work/predictions-train.txt")
[ "$rows" -gt 0 ] || fail "no predictions written"
cmp "$work/predictions-train.txt" "$work/predictions-score.txt" ||
  fail "predictions differ between the trained model and model.zip loaded by the scoring-only app"
for id in MlNetDeep MlNetDeep.Scoring; do
  printf 'test-packages: %s.nupkg %s bytes\n' "$id" "$(wc -c < "$feed/$id.$version.nupkg")"
done
step "passed: $rows identical predictions, scoring app without engine assemblies"
