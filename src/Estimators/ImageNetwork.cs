using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MlNetDeep.Engine.Models;

namespace MlNetDeep;

/// <summary>Convolutional architecture an <see cref="ImageClassifier"/> trains.</summary>
public enum ImageNetwork
{
    /// <summary>Two conv-BN-ReLU-pool stages and a dense head (<see cref="ImageClassifier.Options.SmallCnn"/>).</summary>
    SmallCnn,

    /// <summary>Residual network (<see cref="ImageClassifier.Options.ResNet"/>).</summary>
    ResNet,

    /// <summary>Densely connected network (<see cref="ImageClassifier.Options.DenseNet"/>).</summary>
    DenseNet,
}
