namespace MlNetDeep.Engine.Layers;

/// <summary>Applies its modules one after another.</summary>
public sealed class Sequential : Module
{
    private readonly Module[] _modules;

    /// <summary>Creates the chain.</summary>
    /// <param name="modules">Modules in forward order.</param>
    public Sequential(params Module[] modules)
    {
        if (modules.Length == 0) throw new ArgumentException("A Sequential needs at least one module.", nameof(modules));
        _modules = modules;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Module> Children => _modules;

    /// <inheritdoc/>
    public override Tensor Forward(Tape tape, Tensor x)
    {
        foreach (var m in _modules) x = m.Forward(tape, x);
        return x;
    }
}
