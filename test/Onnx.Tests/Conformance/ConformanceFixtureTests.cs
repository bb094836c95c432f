using Microsoft.ML.OnnxRuntime;
using MlNetDeep.Onnx.Tests.Support;
using MlNetDeep.Onnx.Tests.Support.Conformance;
using Xunit.Abstractions;

namespace MlNetDeep.Onnx.Tests.Conformance;

/// <summary>
/// Self-check of the committed fixtures and of the reader: every case's model.onnx, run in ONNX Runtime on the
/// decoded inputs, reproduces the decoded expected outputs. A failure here means the fixture or the reader is
/// wrong, not the engine.
/// </summary>
public class ConformanceFixtureTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllCases() => new(ConformanceCase.All());

    [Fact]
    public void Committed_cases_are_present()
    {
        // The list in scripts/fetch-onnx-conformance.sh; a missing folder means the data was not committed.
        Assert.True(ConformanceCase.All().Count() >= 100, $"only {ConformanceCase.All().Count()} cases in {ConformanceCase.DataRoot}");
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Onnx_runtime_reproduces_expected_outputs(string name)
    {
        var c = ConformanceCase.Load(name);
        output.WriteLine($"{name}: {c.OpType} opset {c.Opset}; in {string.Join(", ", c.Inputs)}; out {string.Join(", ", c.Outputs)}");
        Assert.NotEmpty(c.Outputs);
        var actual = OnnxTestRunner.RunAtLevel(c.ModelBytes, GraphOptimizationLevel.ORT_DISABLE_ALL,
            c.Inputs.Select(t => t.ToOrtInput()).ToArray());
        foreach (ConformanceTensor expected in c.Outputs)
        {
            OnnxTestOutput got = actual[expected.Name];
            Assert.Equal(expected.Dims, got.Dims);
            if (expected.Data is float[] ef)
                OnnxTestRunner.AssertClose(ef, got.Floats, 1e-5, 1e-4, $"{name} output '{expected.Name}'");
            else
                Assert.Equal(expected.Data.Cast<object>(), got.Data.Cast<object>());
        }
    }
}
