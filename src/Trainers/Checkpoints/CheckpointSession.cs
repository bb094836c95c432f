using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Optimizers;

namespace MlNetDeep.Trainers;

/// <summary>
/// Checkpoints for one run of an epoch loop: resumes from <see cref="TrainingSettings.ResumeFrom"/> (after checking the
/// checkpoint belongs to this network and these options) and writes one after each due epoch into
/// <see cref="TrainingSettings.CheckpointFolder"/>. Without either setting it does nothing and the run starts at epoch 1.
/// A resumed run ends with the same weights, to the bit, as one that never stopped: the checkpoint holds every input of the
/// remaining epochs (weights and buffers, optimiser state, generator states, schedule, early-stopping tracker, history).
/// </summary>
internal sealed class CheckpointSession
{
    /// <summary>Checkpoints kept besides the best epoch's: the newest ones.</summary>
    private const int KeepNewest = 2;

    private readonly TrainingSettings _settings;
    private readonly Module _network;
    private readonly Optimizer _optimizer;
    private readonly ScheduledRate _rate;
    private readonly BestEpoch _best;
    private readonly IReadOnlyList<Rng> _generators;
    private readonly Dictionary<string, string> _identity;

    /// <summary>Prepares checkpoints for a run; resumes when the settings ask to.</summary>
    /// <param name="settings">Loop settings.</param>
    /// <param name="network">The network, initialised.</param>
    /// <param name="optimizer">Its optimiser, before any step.</param>
    /// <param name="rate">The learning-rate schedule of the run.</param>
    /// <param name="best">The early-stopping tracker.</param>
    /// <param name="loopGenerators">Generators the loop owns (shuffling first), in a fixed order.</param>
    /// <param name="rows">Training rows (a resume on other data is refused).</param>
    public CheckpointSession(TrainingSettings settings, Module network, Optimizer optimizer, ScheduledRate rate, BestEpoch best,
        IReadOnlyList<Rng> loopGenerators, long rows)
    {
        (_settings, _network, _optimizer, _rate, _best) = (settings, network, optimizer, rate, best);
        _generators = [.. loopGenerators, .. network.Generators()];
        _identity = Identity(settings, network, optimizer, _generators.Count, rows);
        if (settings.CheckpointFolder is { } folder && !SameFolder(folder, settings.ResumeFrom) && CheckpointFolder.Find(folder).Count > 0)
            throw new InvalidOperationException($"CheckpointFolder '{folder}' already holds checkpoints of a training; continue it with ResumeFrom = that folder, or choose an empty folder (nothing was overwritten).");
        if (settings.ResumeFrom is { } resume) Resume(resume);
    }

    /// <summary>First epoch to train: 1, or the one after the resumed checkpoint.</summary>
    public int FirstEpoch { get; private set; } = 1;

    /// <summary>Writes a checkpoint when epoch <paramref name="epoch"/> is due: every CheckpointEveryEpochs epochs, a new best
    /// validation value, the last epoch, and the epoch early stopping ends on.</summary>
    /// <param name="epoch">Epoch just finished (its report is in the history).</param>
    /// <param name="improved">Whether its validation value is the best so far (false without validation).</param>
    /// <param name="stopping">Whether early stopping ends the training after it.</param>
    public void EpochEnded(int epoch, bool improved, bool stopping)
    {
        if (_settings.CheckpointFolder is not { } folder) return;
        if (!(epoch % _settings.CheckpointEveryEpochs == 0 || improved || stopping || epoch == _settings.NumberOfEpochs)) return;
        Directory.CreateDirectory(folder);
        string path = CheckpointFolder.PathOf(folder, epoch);
        CheckpointFile.Write(path, Capture(epoch, stopping));
        CheckpointFolder.Prune(folder, KeepNewest, _best.Epoch);
        _settings.Log?.Invoke($"checkpoint written: {path}");
    }

    private Checkpoint Capture(int epoch, bool stopping) => new()
    {
        Epoch = epoch, Stopped = stopping, Identity = _identity, History = [.. _best.History], Best = _best.Save(),
        Schedule = _rate.SaveState(), Generators = [.. _generators.Select(g => g.State)],
        Network = [.. _network.State().Select(t => t.Span.ToArray())],
        OptimizerSteps = _optimizer.StepCount, Optimizer = [.. _optimizer.StateArrays.Select(a => a.ToArray())],
    };

    private void Resume(string folder)
    {
        var found = CheckpointFolder.Find(folder);
        if (found.Count == 0 && SameFolder(folder, _settings.CheckpointFolder))
        {
            _settings.Log?.Invoke($"no checkpoint in {folder} yet: starting at epoch 1");
            return;
        }
        if (found.Count == 0)
            throw new InvalidOperationException($"ResumeFrom: '{folder}' holds no checkpoint (files named epoch-NNNN{CheckpointFile.Extension}).");
        string path = found[^1].Path;
        var checkpoint = CheckpointFile.Read(path);
        var differences = _identity.Keys.Union(checkpoint.Identity.Keys).Order(StringComparer.Ordinal)
            .Where(k => _identity.GetValueOrDefault(k) != checkpoint.Identity.GetValueOrDefault(k))
            .Select(k => $"{k}: checkpoint {checkpoint.Identity.GetValueOrDefault(k) ?? "(none)"}, now {_identity.GetValueOrDefault(k) ?? "(none)"}")
            .ToList();
        if (differences.Count > 0)
            throw new InvalidOperationException($"ResumeFrom: checkpoint '{path}' belongs to another training ({string.Join("; ", differences)}).");
        if (checkpoint.Stopped)
            throw new InvalidOperationException($"ResumeFrom: the training in '{folder}' was ended by early stopping after epoch {checkpoint.Epoch}; there is nothing to resume.");
        if (checkpoint.Epoch >= _settings.NumberOfEpochs)
            throw new InvalidOperationException($"ResumeFrom: the checkpoint in '{folder}' is at epoch {checkpoint.Epoch} and NumberOfEpochs is {_settings.NumberOfEpochs}: nothing is left to train (raise NumberOfEpochs to train further).");

        ModuleSnapshot.FromValues([.. checkpoint.Network]).Restore(_network);
        _optimizer.StepCount = checkpoint.OptimizerSteps;
        var arrays = _optimizer.StateArrays;
        for (int i = 0; i < arrays.Count; i++) checkpoint.Optimizer[i].CopyTo(arrays[i], 0);
        for (int i = 0; i < _generators.Count; i++) _generators[i].State = checkpoint.Generators[i];
        _rate.LoadState(checkpoint.Schedule);
        _best.Load(checkpoint.Best, checkpoint.History);
        FirstEpoch = checkpoint.Epoch + 1;
        _settings.Log?.Invoke($"resuming from {path}: epochs 1–{checkpoint.Epoch} of {_settings.NumberOfEpochs} done");
    }

    /// <summary>What a checkpoint must share with this run. NumberOfEpochs is included only when the schedule depends on it.</summary>
    private static Dictionary<string, string> Identity(TrainingSettings s, Module network, Optimizer optimizer, int generators, long rows)
    {
        var state = network.State().ToArray();
        var shapes = string.Join(";", state.Select(t => string.Join(",", t.Shape)));
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(shapes)))[..12];
        var c = CultureInfo.InvariantCulture;
        var identity = new Dictionary<string, string>
        {
            ["network"] = string.Create(c, $"{state.Length} tensors, {state.Sum(t => (long)t.Length)} values, shapes {hash}"),
            ["random generators"] = generators.ToString(c),
            ["optimizer"] = optimizer.ToString()!,
            ["batch size"] = s.BatchSize.ToString(c),
            ["seed"] = s.Seed.ToString(c),
            ["shuffle pool"] = s.ShufflePoolSize.ToString(c),
            ["training rows"] = rows.ToString(c),
            ["label smoothing"] = s.LabelSmoothing.ToString("R", c),
            ["gradient clipping"] = string.Create(c, $"norm {s.GradientClipNorm?.ToString("R", c) ?? "none"}, value {s.GradientClipValue?.ToString("R", c) ?? "none"}"),
            ["early stopping patience"] = s.EarlyStoppingPatience?.ToString(c) ?? "none",
            ["learning rate schedule"] = s.LearningRateSchedule?.ToString() ?? "constant",
            ["image augmentation"] = s.Augmentation is { IsActive: true } a ? a.ToString() : "none",
        };
        if (s.LearningRateSchedule is { DependsOnNumberOfEpochs: true }) identity["epochs (the schedule spans them)"] = s.NumberOfEpochs.ToString(c);
        return identity;
    }

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> name the same folder: ResumeFrom = CheckpointFolder is the
    /// "continue whatever is there" setting, for which a missing or empty folder simply starts at epoch 1.
    /// </summary>
    public static bool SameFolder(string? a, string? b) => a is not null &&
        b is not null && string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
