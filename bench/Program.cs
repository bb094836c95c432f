// MlNetDeep speed benchmark. Usage:
//   dotnet run -c Release --project bench -- <case ...> [--seconds S]
//   dotnet run -c Release --project bench -- compare [cases...] [--seconds S] [--rounds R] [--anchor DIR] [--anchor-work DIR]
//   dotnet run -c Release --project bench -- scoring [--rows N] [--batch B] [--rounds R]   (saved models scored four ways)
// cases: gemm gemm-shapes mlp lenet resnet-small textcnn lstm bilstm gru-seq2seq-attn gru-seq2seq-attn-loop infer all
using System.Globalization;
using MlNetDeep.Bench.Compare;
using MlNetDeep.Bench.Harness;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var argList = args.ToList();
double seconds = 5.0;
int si = argList.IndexOf("--seconds");
if (si >= 0)
{
    seconds = double.Parse(argList[si + 1], CultureInfo.InvariantCulture);
    argList.RemoveRange(si, 2);
}

if (argList.Count > 0 && argList[0] == "scoring")
    return MlNetDeep.Bench.Scoring.ScoringBench.Run(argList.Skip(1).ToList());

if (argList.Count > 0 && argList[0] == "compare")
    return CompareCommand.Run(CompareArgs.Parse(argList.Skip(1).ToList(), seconds));

if (argList.Count == 0) argList.Add("all");
return CaseRunner.Run(argList, seconds);
