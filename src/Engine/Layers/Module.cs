namespace MlNetDeep.Engine.Layers;

/// <summary>
/// A network building block: owns parameters (trainable tensors) and buffers (state such as BatchNorm
/// running averages), and maps an input tensor to an output through <see cref="Ops"/> on a <see cref="Tape"/>.
/// </summary>
internal abstract class Module
{
    /// <summary>True while training (Dropout active, BatchNorm uses batch statistics).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Direct sub-modules, in forward order.</summary>
    public virtual IReadOnlyList<Module> Children => [];

    /// <summary>This module's own trainable tensors (not those of children).</summary>
    public virtual IReadOnlyList<Tensor> OwnParameters => [];

    /// <summary>This module's own non-trainable state (not that of children).</summary>
    public virtual IReadOnlyList<Tensor> OwnBuffers => [];

    /// <summary>This module's own random generators (dropout masks), whose state a checkpoint must keep.</summary>
    public virtual IReadOnlyList<Rng> OwnGenerators => [];

    /// <summary>Every random generator of this module and its descendants, depth-first, each once (layers may share one).</summary>
    public IReadOnlyList<Rng> Generators()
    {
        var seen = new List<Rng>();
        void Visit(Module m)
        {
            foreach (var g in m.OwnGenerators) if (!seen.Any(s => ReferenceEquals(s, g))) seen.Add(g);
            foreach (var child in m.Children) Visit(child);
        }
        Visit(this);
        return seen;
    }

    /// <summary>Computes the output; records backward functions on <paramref name="tape"/> when it records.</summary>
    /// <param name="tape">Tape for allocation and gradients.</param>
    /// <param name="x">Input.</param>
    public abstract Tensor Forward(Tape tape, Tensor x);

    /// <summary>Every trainable tensor of this module and its descendants, depth-first in forward order.</summary>
    public IEnumerable<Tensor> Parameters()
    {
        foreach (var p in OwnParameters) yield return p;
        foreach (var child in Children) foreach (var p in child.Parameters()) yield return p;
    }

    /// <summary>Every parameter and buffer, depth-first: the complete state that defines the module's outputs.</summary>
    public IEnumerable<Tensor> State()
    {
        foreach (var p in OwnParameters) yield return p;
        foreach (var b in OwnBuffers) yield return b;
        foreach (var child in Children) foreach (var t in child.State()) yield return t;
    }

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Length);

    /// <summary>Switches this module and its descendants to training or inference behaviour.</summary>
    /// <param name="training">True for training mode.</param>
    public void SetTraining(bool training)
    {
        IsTraining = training;
        foreach (var child in Children) child.SetTraining(training);
    }
}
