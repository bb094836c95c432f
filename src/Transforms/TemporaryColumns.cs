using Microsoft.ML.Transforms;

namespace MlNetDeep.Transforms;

/// <summary>
/// Fixed names of the temporary columns between ApplyOnnxModel and the final outputs. The CustomMapping
/// factories below read and write exactly these names, which is what lets them be stateless and so
/// saveable by ML.NET (a factory is re-created by its contract name when a model is loaded).
/// </summary>
internal static class TemporaryColumns
{
    /// <summary>ONNX output int64 [N, 1] → Vector&lt;Int64, 1&gt;.</summary>
    public const string PredictedIndexVector = "MlNetDeep_PredictedIndex";

    /// <summary>Scalar Int64 made from <see cref="PredictedIndexVector"/>.</summary>
    public const string PredictedIndex = "MlNetDeep_PredictedIndexScalar";

    /// <summary>The predicted class's key value (before it becomes a key).</summary>
    public const string PredictedValue = "MlNetDeep_PredictedValue";

    /// <summary>ONNX output float [N, 1] → Vector&lt;Single, 1&gt;.</summary>
    public const string ScoreVector = "MlNetDeep_Score";

    /// <summary>Scalar Single made from <see cref="ScoreVector"/>.</summary>
    public const string Score = "MlNetDeep_ScoreScalar";

    /// <summary>Encoded image bytes (Vector&lt;Byte&gt;) copied from the user's column for <see cref="DecodeImageFactory"/>.</summary>
    public const string ImageBytes = "MlNetDeep_ImageBytes";

    /// <summary>Decoded pixels, Vector&lt;Single&gt; of 4·H·W values: planes R, G, B, A (<see cref="ImagePlane"/>), each row-major, 0..255.</summary>
    public const string ImagePixels = "MlNetDeep_ImagePixels";

    /// <summary>Decoded image height H (Int64).</summary>
    public const string ImageHeight = "MlNetDeep_ImageHeight";

    /// <summary>Decoded image width W (Int64).</summary>
    public const string ImageWidth = "MlNetDeep_ImageWidth";

    /// <summary>Why the bytes could not be decoded (String), empty when they could.</summary>
    public const string ImageProblem = "MlNetDeep_ImageProblem";

    /// <summary>The scorer's settings (String, see <see cref="ImageScoringSettings"/>), the same in every row.</summary>
    public const string ImageSettings = "MlNetDeep_ImageSettings";

    /// <summary>Checked (H, W) of the image, Vector&lt;Int64, 2&gt; → ONNX int64 [N, 2].</summary>
    public const string ImageSize = "MlNetDeep_ImageSize";
}
