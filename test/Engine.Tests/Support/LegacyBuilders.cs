using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// The hand-written builders of Mlp, SmallCnn, ResNet and DenseNet as they were before they became
/// <see cref="NetworkPresets"/> (commit 6098bb3), kept verbatim as the reference the presets must match bit for bit.
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
}
