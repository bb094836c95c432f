#!/usr/bin/env bash
# On-demand check of GPU scoring as users meet it, with each ONNX Runtime native package an application can choose.
# Not run by .ci/run: it builds three console apps (5-6 minutes on the shared 2-core machine; the GPU package copies a
# 289 MB CUDA provider into its output).
#
# Creates temporary console apps that reference src/Estimators (ProjectReference) and
#   gpu:  Microsoft.ML.OnnxRuntime.Gpu 1.32.0
#   cpu:  Microsoft.ML.OnnxRuntime 1.32.0
#   none: no native package (only the Microsoft.ML.OnnxRuntime.Managed that MlNetDeep brings)
# Each trains a tiny MLP with GpuDeviceId = 0 and FallbackToCpu true, then false, and loads a saved model.zip with
# DeepLearningModel.Load(ml, path, gpuDeviceId: 0, fallbackToCpu: true/false, ...), then with plain Model.Load under
# MLContext { GpuDeviceId = 0, FallbackToCpu = true } for comparison. The script checks the messages: the CUDA library
# that failed to load is named (gpu package, machine without CUDA 13), the packages are named (cpu package), the package
# to add is named before any training (no package), and the fallback is reported.
# On a machine whose loader finds libcudart.so.13, the gpu app is expected to score on GPU 0 instead.
#
# Usage: scripts/test-gpu-runtimes.sh [--keep]   (--keep leaves the temporary folder for inspection)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=$(mktemp -d /tmp/mlnetdeep-gpu-runtimes.XXXXXX)
if [ "${1:-}" != "--keep" ]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
cp "$repo/NuGet.config" "$work/NuGet.config" # settings only; sources are the machine's

cat > "$work/Program.cs" <<'CS'
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetDeep;

// args: model.zip to load (and to write when it does not exist yet) [precreate: the app creates ORT's environment first,
// so MlNetDeep cannot capture ORT's log and must find the failing library another way].
string modelPath = args[0];
if (args.Length > 1 && args[1] == "precreate") Console.WriteLine($"ORT {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()} created by the app");
var ml = new MLContext(seed: 1);
ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) Console.WriteLine($"WARNING: {e.Message}"); };
var rows = Enumerable.Range(0, 40).Select(i => new Row { Features = [i % 7 / 7f, i % 5 / 5f], Label = i % 7 / 7f + i % 5 / 5f }).ToList();
var data = ml.Data.LoadFromEnumerable(rows);

foreach (bool fallback in new[] { true, false })
{
    var options = new MlpRegressor.Options
    {
        HiddenLayers = [4], NumberOfEpochs = 2, Seed = 1, GpuDeviceId = 0, FallbackToCpu = fallback,
        Progress = new EpochPrinter(),
    };
    try
    {
        var model = ml.DeepLearning().Regression.Mlp(options).Fit(data);
        float score = model.Transform(data).GetColumn<float>("Score").First();
        Console.WriteLine($"FIT fallback={fallback}: OK score={score}");
        if (!File.Exists(modelPath)) ml.Model.Save(model, data.Schema, modelPath);
    }
    catch (Exception ex) { Console.WriteLine($"FIT fallback={fallback}: {ex.GetType().Name}: {ex.Message}"); }
}

if (!File.Exists(modelPath)) { Console.WriteLine("NO MODEL to load"); return; }
foreach (bool fallback in new[] { true, false })
{
    try
    {
        var model = DeepLearningModel.Load(ml, modelPath, gpuDeviceId: 0, fallbackToCpu: fallback, out _, out ScoringDeviceReport device);
        float score = model.Transform(data).GetColumn<float>("Score").First();
        Console.WriteLine($"LOAD fallback={fallback}: device={device} fellBack={device.FellBackToCpu} score={score}");
    }
    catch (Exception ex) { Console.WriteLine($"LOAD fallback={fallback}: {ex.GetType().Name}: {ex.Message}"); }
}
try
{
    var plain = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
    plain.Model.Load(modelPath, out _);
    Console.WriteLine("PLAIN Model.Load fallback=True: OK");
}
catch (Exception ex)
{
    var chain = new List<string>();
    for (Exception? e = ex; e is not null; e = e.InnerException) chain.Add(e.GetType().Name);
    Exception inner = ex; while (inner.InnerException is not null) inner = inner.InnerException;
    Console.WriteLine($"PLAIN Model.Load fallback=True: {string.Join(" -> ", chain)}: {inner.Message.Split('\n')[0]}");
}

sealed class EpochPrinter : IProgress<EpochReport>
{
    public void Report(EpochReport value) => Console.WriteLine($"EPOCH {value.Epoch}");
}

sealed class Row
{
    [VectorType(2)] public float[] Features { get; set; } = [];
    public float Label { get; set; }
}
CS

make_app() { # name, extra PackageReference line
  mkdir -p "$work/$1"
  cp "$work/Program.cs" "$work/$1/Program.cs"
  cat > "$work/$1/$1.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/src/Estimators/Estimators.csproj" />
    <!-- The MlNetDeep package bundles these; as project references they are private to Estimators. -->
    <ProjectReference Include="$repo/src/Engine/Engine.csproj" />
    <ProjectReference Include="$repo/src/Onnx/Onnx.csproj" />
    <ProjectReference Include="$repo/src/Trainers/Trainers.csproj" />
    $2
  </ItemGroup>
</Project>
XML
}
make_app gpu '<PackageReference Include="Microsoft.ML.OnnxRuntime.Gpu" Version="1.32.0" />'
make_app cpu '<PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.32.0" />'
make_app none ''

model="$work/model.zip"
run_app() { # name [out-name extra-arg] → output in $work/out-name.out (apps run one after another: they share the referenced projects' outputs)
  local out=${2:-$1}
  if [ ! -f "$work/$1/bin/Debug/net10.0/$1.dll" ]; then
    echo "== $1: building"
    if ! dotnet build "$work/$1/$1.csproj" -c Debug -nologo -v quiet > "$work/$1.build" 2>&1; then cat "$work/$1.build"; exit 1; fi
  fi
  echo "== $out: running"
  (cd "$work/$1" && dotnet "bin/Debug/net10.0/$1.dll" "$model" ${3:-}) > "$work/$out.out" 2> "$work/$out.err" || true
  cat "$work/$out.out"
  if [ -s "$work/$out.err" ]; then echo "-- $out stderr (ONNX Runtime's own log, first lines):"; head -c 1500 "$work/$out.err"; echo; fi
}
run_app cpu   # writes model.zip (the fallback fit works with the CPU package)
run_app gpu
run_app gpu gpu-precreated precreate
run_app none

failed=0
check() { # name, description, fixed-string pattern(s) that must all be on one line of the app's output
  local file="$work/$1.out" desc=$2; shift 2
  local lines; lines=$(cat "$file")
  for p in "$@"; do lines=$(grep -F -- "$p" <<< "$lines" || true); done
  if [ -n "$lines" ]; then echo "ok   $desc"; else echo "FAIL $desc"; failed=1; fi
}
absent() { # name, description, pattern that must not appear
  if grep -qF -- "$3" "$work/$1.out"; then echo "FAIL $2"; failed=1; else echo "ok   $2"; fi
}

echo "== checks"
needs=("CUDA 13" "cuDNN 9")
# CPU package: no CUDA provider; the messages name it and the GPU package to use instead.
check cpu "cpu: Fit falls back and names both packages" "WARNING:" "CPU package Microsoft.ML.OnnxRuntime " "Microsoft.ML.OnnxRuntime.Gpu 1.32.0" "${needs[@]}" "Falling back to the CPU."
check cpu "cpu: Fit with fallback works"               "FIT fallback=True: OK"
check cpu "cpu: Fit without fallback throws the cause" "FIT fallback=False: InvalidOperationException" "CPU package Microsoft.ML.OnnxRuntime " "Microsoft.ML.OnnxRuntime.Gpu 1.32.0" "${needs[@]}"
check cpu "cpu: Load reports the fallback"             "LOAD fallback=True: device=CPU (fell back from GPU 0" "fellBack=True" "Microsoft.ML.OnnxRuntime.Gpu 1.32.0" "${needs[@]}"
check cpu "cpu: Load without fallback throws the cause" "LOAD fallback=False: InvalidOperationException" "CPU package Microsoft.ML.OnnxRuntime " "${needs[@]}"
if ldconfig -p 2>/dev/null | grep -q 'libcudart\.so\.13'; then
  check gpu "gpu (CUDA 13 found): Fit scores without a fallback"  "FIT fallback=False: OK"
  check gpu "gpu (CUDA 13 found): Load scores on GPU 0"           "LOAD fallback=False: device=GPU 0"
else
  # GPU package, no CUDA: the library that failed to load is named (from ORT's log), not "install the GPU package".
  check gpu "gpu: Fit falls back and names the library"  "WARNING:" "could not load a library: lib" ".so." "${needs[@]}" "Falling back to the CPU."
  absent gpu "gpu: no message tells to install the GPU package" "Reference Microsoft.ML.OnnxRuntime.Gpu"
  check gpu "gpu: Fit with fallback works"               "FIT fallback=True: OK"
  check gpu "gpu: Fit without fallback throws the cause" "FIT fallback=False: InvalidOperationException" "could not load a library: lib" "${needs[@]}"
  check gpu "gpu: Load reports the fallback and the library" "LOAD fallback=True: device=CPU (fell back from GPU 0" "could not load a library: lib" "fellBack=True"
  check gpu "gpu: Load without fallback throws the cause" "LOAD fallback=False: InvalidOperationException" "could not load a library: lib" "${needs[@]}"
  # The app created ORT's environment before MlNetDeep could add its logger: the library is found by loading the provider.
  check gpu-precreated "gpu, app's own OrtEnv: the library is still named" "WARNING:" "could not load a library: lib" ".so." "Falling back to the CPU."
  check gpu-precreated "gpu, app's own OrtEnv: Load reports it" "LOAD fallback=True: device=CPU (fell back from GPU 0" "could not load a library: lib"
fi
# FallbackToCpu = false: Fit fails before training (no EPOCH line between the two FIT lines).
for app in cpu gpu; do
  if ! ldconfig -p 2>/dev/null | grep -q 'libcudart\.so\.13' || [ "$app" = cpu ]; then
    if grep -A1 -F "FIT fallback=True" "$work/$app.out" | tail -1 | grep -q '^EPOCH'; then echo "FAIL $app: Fit without fallback trains before failing"; failed=1
    else echo "ok   $app: Fit without fallback fails before training"; fi
  fi
done
# No native package: Fit fails before training, naming the package to add; so does the loader.
check none "none: Fit (fallback) names the package to add" "FIT fallback=True: DllNotFoundException" "Fit needs ONNX Runtime's native library" "Add Microsoft.ML.OnnxRuntime 1.32.0" "Microsoft.ML.OnnxRuntime.Gpu 1.32.0"
check none "none: Fit (no fallback) names the package to add" "FIT fallback=False: DllNotFoundException" "Add Microsoft.ML.OnnxRuntime 1.32.0"
absent none "none: Fit fails before training" "EPOCH"
check none "none: Load names the package to add" "LOAD fallback=True: DllNotFoundException" "Loading the model needs ONNX Runtime's native library" "Add Microsoft.ML.OnnxRuntime 1.32.0"
if [ "$failed" -ne 0 ]; then echo "test-gpu-runtimes: FAILED"; exit 1; fi
echo "test-gpu-runtimes: all checks passed"
