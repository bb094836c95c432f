using Microsoft.ML.Data;
using MlNetDeep.Transforms;

namespace MlNetDeep;

/// <summary>Network a <see cref="TextClassifier"/> trains.</summary>
public enum TextNetwork
{
    /// <summary>TextCNN: convolutions of several widths, max over time, concatenated.</summary>
    Cnn,

    /// <summary>RNN/LSTM/GRU (optionally bidirectional) reading each text up to its length.</summary>
    Recurrent,
}
