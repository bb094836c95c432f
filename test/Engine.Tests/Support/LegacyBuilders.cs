using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The hand-written builders of Mlp, SmallCnn, ResNet and DenseNet as they were before they became
/// <see cref="NetworkPresets"/> (commit 6098bb3), kept verbatim as the reference the presets must match bit for bit.
/// TextCnn is Engine/Models/TextCnn.cs of commit fe7369a (the commit that made it draw its weights in forward order);
/// TextRecurrent and NumericSequence are the built-in branches of Estimators/Core/TextTask.cs and NumericSequenceTask.cs,
/// and LegacyRecurrentArchitecture.CreateLayer that of Estimators/Architectures/RecurrentArchitecture.cs, at commit 1ac4ced:
/// the statements verbatim, the trainer's options and columns passed as parameters (this project only sees the engine).
/// </summary>
internal static class LegacyBuilders
{
    public static Sequential Mlp(MlpArchitecture architecture, Rng rng)
    {
        var init = architecture.Activation is ActivationKind.Relu or ActivationKind.LeakyRelu ? WeightInit.HeUniform : WeightInit.GlorotUniform;
        var modules = new List<Module>();
        int width = architecture.Inputs;
        foreach (int hidden in architecture.HiddenLayers)
        {
            modules.Add(new Linear(width, hidden, rng, init, bias: !architecture.BatchNorm));
            if (architecture.BatchNorm) modules.Add(new BatchNorm(hidden));
            modules.Add(new Activation(architecture.Activation, architecture.LeakyReluAlpha));
            if (architecture.DropoutRate > 0f) modules.Add(new Dropout(architecture.DropoutRate, rng));
            width = hidden;
        }
        modules.Add(new Linear(width, architecture.Outputs, rng, WeightInit.GlorotUniform));
        return new Sequential(modules.ToArray());
    }

    public static Sequential SmallCnn(int inputChannels, int classCount, SmallCnnArchitecture architecture, Rng rng)
    {
        int c1 = architecture.Conv1Channels, c2 = architecture.Conv2Channels;
        var modules = new List<Module>
        {
            new Conv2d(inputChannels, c1, 3, rng, padding: 1), new BatchNorm(c1), new MaxPool2d(2), new Activation(ActivationKind.Relu),
            new Conv2d(c1, c2, 3, rng, padding: 1), new BatchNorm(c2), new MaxPool2d(2), new Activation(ActivationKind.Relu),
        };
        int features;
        if (architecture.SpatialPyramidLevels is { } levels)
        {
            var spp = new SpatialPyramidPool([.. levels]);
            modules.Add(spp);
            features = c2 * spp.BinCount;
        }
        else
        {
            modules.Add(new Flatten());
            features = c2 * (architecture.InputHeight / 2 / 2) * (architecture.InputWidth / 2 / 2);
        }
        modules.Add(new Linear(features, architecture.HiddenUnits, rng, WeightInit.HeUniform));
        modules.Add(new Activation(ActivationKind.Relu));
        if (architecture.DropoutRate > 0f) modules.Add(new Dropout(architecture.DropoutRate, rng));
        modules.Add(new Linear(architecture.HiddenUnits, classCount, rng, WeightInit.GlorotUniform));
        return new Sequential([.. modules]);
    }

    public static Sequential ResNet(int inputChannels, int classCount, ResNetArchitecture architecture, Rng rng)
    {
        int width = architecture.StemChannels;
        var modules = new List<Module>
        {
            new Conv2d(inputChannels, width, 3, rng, padding: 1, bias: false), new BatchNorm(width), new Activation(ActivationKind.Relu),
        };
        for (int s = 0; s < architecture.StageChannels.Count; s++)
        {
            int channels = architecture.StageChannels[s];
            for (int b = 0; b < architecture.BlocksPerStage[s]; b++)
            {
                int stride = s > 0 && b == 0 ? 2 : 1;
                if (architecture.Block == ResNetBlockKind.Basic)
                {
                    modules.Add(new ResNetBasicBlock(width, channels, stride, rng));
                    width = channels;
                }
                else
                {
                    var block = new ResNetBottleneckBlock(width, channels, stride, rng, architecture.BottleneckExpansion);
                    modules.Add(block);
                    width = block.OutChannels;
                }
            }
        }
        modules.Add(new GlobalAvgPool());
        modules.Add(new Linear(width, classCount, rng, WeightInit.GlorotUniform));
        return new Sequential([.. modules]);
    }

    public static Sequential DenseNet(int inputChannels, int classCount, DenseNetArchitecture architecture, Rng rng)
    {
        int width = architecture.StemChannels;
        var modules = new List<Module> { new Conv2d(inputChannels, width, 3, rng, padding: 1, bias: false) };
        for (int b = 0; b < architecture.LayersPerBlock.Count; b++)
        {
            var block = new DenseBlock(width, architecture.LayersPerBlock[b], architecture.GrowthRate, rng);
            modules.Add(block);
            width = block.OutChannels;
            if (b + 1 < architecture.LayersPerBlock.Count)
            {
                int compressed = Math.Max(1, (int)MathF.Floor(architecture.Compression * width));
                modules.Add(new TransitionLayer(width, compressed, rng));
                width = compressed;
            }
        }
        modules.Add(new BatchNorm(width));
        modules.Add(new Activation(ActivationKind.Relu));
        modules.Add(new GlobalAvgPool());
        modules.Add(new Linear(width, classCount, rng, WeightInit.GlorotUniform));
        return new Sequential([.. modules]);
    }

    public static Sequential TextCnn(TextCnnSpec a, Rng rng)
    {
        if (a.KernelSizes.Count == 0) throw new ArgumentException("TextCNN needs at least one kernel size.", nameof(a));
        if (a.KernelSizes.Max() > a.Length)
            throw new ArgumentException($"The widest kernel ({a.KernelSizes.Max()}) exceeds the sequence length {a.Length}.", nameof(a));
        var modules = new List<Module>();
        if (a.TokenDropoutRate > 0) modules.Add(new TokenDropout(a.TokenDropoutRate, a.UnknownId, a.PadId, rng));
        // Weights drawn in forward order (embedding, then the convolutions), as every other builder draws them.
        modules.Add(new Embedding(a.VocabularySize, a.EmbeddingSize, rng, a.PadId, a.EmbeddingInitStd));
        modules.Add(new Permute(0, 2, 1));
        var branches = a.KernelSizes
            .Select(k => (Module)new Sequential(new Conv1d(a.EmbeddingSize, a.FiltersPerKernel, k, rng), new GlobalMaxPool(), new Activation(ActivationKind.Relu)))
            .ToArray();
        modules.Add(new ParallelConcat(branches));
        if (a.DropoutRate > 0) modules.Add(new Dropout(a.DropoutRate, rng));
        modules.Add(new Linear(a.FiltersPerKernel * a.KernelSizes.Count, a.Outputs, rng));
        return new Sequential(modules.ToArray());
    }

    /// <summary>TextTask.Network's recurrent branch; <paramref name="padId"/> is the input's pad id, unknown id 0.</summary>
    public static Sequential TextRecurrent(LegacyTextOptions options, int padId, int classes, Rng rng)
    {
        const int UnknownId = 0;
        const float EmbeddingInitStd = 0.05f;
        int rows = padId + 1;
        var encoder = new TextRecurrentEncoder(new Embedding(rows, options.EmbeddingSize, rng, padId, EmbeddingInitStd),
            options.Recurrent.CreateLayer(options.EmbeddingSize, rng), padId);
        var modules = new List<Module>();
        if (options.TokenDropoutRate > 0) modules.Add(new TokenDropout(options.TokenDropoutRate, UnknownId, padId, rng));
        modules.Add(encoder);
        if (options.Recurrent.DropoutRate > 0) modules.Add(new Dropout(options.Recurrent.DropoutRate, rng));
        modules.Add(new Linear(encoder.OutputSize, classes, rng));
        return new Sequential(modules.ToArray());
    }

    /// <summary>NumericSequenceTask.Build's built-in network for rows of <paramref name="count"/> = T·F values.</summary>
    public static Module NumericSequence(LegacyRecurrentArchitecture recurrent, int featuresPerStep, int count, int classCount, Rng rng)
    {
        int steps = count / featuresPerStep;
        var encoder = new RecurrentEncoder(recurrent.CreateLayer(featuresPerStep, rng), steps, featuresPerStep);
        var head = new Linear(encoder.OutputSize, classCount, rng);
        Module network = recurrent.DropoutRate > 0
            ? new Sequential(encoder, new Dropout(recurrent.DropoutRate, rng), head)
            : new Sequential(encoder, head);
        return network;
    }
}

/// <summary>The settings of TextClassifier.Options that its recurrent network read.</summary>
internal sealed record LegacyTextOptions(int EmbeddingSize, float TokenDropoutRate, LegacyRecurrentArchitecture Recurrent);

/// <summary>The settings of RecurrentArchitecture, with its former CreateLayer.</summary>
internal sealed record LegacyRecurrentArchitecture(RecurrentCellKind Cell, int HiddenSize, int NumberOfLayers, bool Bidirectional, float DropoutRate)
{
    internal RecurrentLayer CreateLayer(int inputSize, Rng rng) => Cell switch
    {
        RecurrentCellKind.Rnn => new Rnn(inputSize, HiddenSize, rng, NumberOfLayers, Bidirectional, DropoutRate),
        RecurrentCellKind.Gru => new Gru(inputSize, HiddenSize, rng, NumberOfLayers, Bidirectional, DropoutRate),
        _ => new Lstm(inputSize, HiddenSize, rng, NumberOfLayers, Bidirectional, DropoutRate),
    };

    /// <summary>The same settings as the engine's preset reads them.</summary>
    public RecurrentStackSpec Stack => new(Cell, HiddenSize, NumberOfLayers, Bidirectional, DropoutRate);
}
