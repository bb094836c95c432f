using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;

namespace MlNetDeep.Onnx.Tests.Workouts;

/// <summary>
/// Runs <see cref="LayerWorkout"/> on every <see cref="LayerWorkoutCases"/> case, and fails when a concrete module type
/// of the engine (or an activation kind) has no case.
/// </summary>
public class LayerWorkoutTests
{
    /// <summary>The case names (strings, so that every case is its own test in the runner).</summary>
    public static TheoryData<string> CaseNames => new(LayerWorkoutCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Workout(string name) => LayerWorkout.Run(LayerWorkoutCases.Get(name));

    [Fact]
    public void CaseNamesAreUnique() =>
        Assert.Empty(LayerWorkoutCases.All.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key));

    [Fact]
    public void EveryConcreteModuleTypeHasAWorkout()
    {
        var covered = LayerWorkoutCases.All.Select(c => c.LayerType).ToHashSet();
        var missing = typeof(Module).Assembly.GetTypes()
            // Multi-input modules (attention, seq2seq) are exported by dedicated graphs with their own parity tests.
            .Where(t => t.IsSubclassOf(typeof(Module)) && !t.IsAbstract && !covered.Contains(t) && !typeof(IMultiInputModule).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .Order()
            .ToArray();
        Assert.True(missing.Length == 0, $"No workout case in LayerWorkoutCases for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryActivationKindHasAWorkout()
    {
        var covered = LayerWorkoutCases.All.Where(c => c.LayerType == typeof(Activation)).Select(c => ((Activation)c.Create()).Kind).ToHashSet();
        Assert.Equal(Enum.GetValues<ActivationKind>().Order(), covered.Order());
    }

    [Fact]
    public void EveryRecurrentCellAndRnnActivationHasAWorkout()
    {
        var layers = LayerWorkoutCases.All.Where(c => c.LayerType.IsSubclassOf(typeof(RecurrentLayer))).Select(c => (RecurrentLayer)c.Create()).ToArray();
        Assert.Equal(Enum.GetValues<RecurrentCellKind>().Order(), layers.Select(l => l.Cell).Distinct().Order());
        Assert.Equal(Enum.GetValues<RnnActivation>().Order(), layers.Where(l => l.Cell == RecurrentCellKind.Rnn).Select(l => l.Activation).Distinct().Order());
        foreach (var cell in Enum.GetValues<RecurrentCellKind>())
        {
            Assert.Contains(layers, l => l.Cell == cell && l.Bidirectional);
            Assert.Contains(layers, l => l.Cell == cell && l.NumberOfLayers > 1);
        }
    }
}
