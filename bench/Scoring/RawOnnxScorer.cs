using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Transforms.Onnx;

namespace MlNetDeep.Bench.Scoring;

/// <summary>
/// The baseline: ONNX Runtime called directly at batch B on the model's ONNX input, input preparation included — the
/// model's stages before its ONNX stage (e.g. the text vocabulary) run in ML.NET, then rows are copied into [B, …]
/// tensors (token keys padded with the graph's pad id) and run; no post-processing.
/// </summary>
internal sealed class RawOnnxScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ITransformer[] _before;
    private readonly string _input;
    private readonly int[] _dims;
    private readonly bool _tokens;
    private readonly uint _padId;

    public RawOnnxScorer(ScoringModel model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(model.OnnxModel, options);
        var parts = Flatten(model.Model).ToArray();
        _before = parts.TakeWhile(t => t is not OnnxTransformer).ToArray();
        _input = _session.InputMetadata.Keys.Single();
        _dims = _session.InputMetadata[_input].Dimensions;
        _tokens = _session.InputMetadata[_input].ElementType == typeof(uint);
        if (_tokens)
        {
            using var json = JsonDocument.Parse(_session.ModelMetadata.CustomMetadataMap["mlnetdeep.model"]);
            _padId = json.RootElement.GetProperty("text").GetProperty("pad_id").GetUInt32();
        }
    }

    /// <summary>Scores every row of <paramref name="rows"/> in batches of <paramref name="batch"/>; returns a checksum.</summary>
    public double Score(IDataView rows, int batch)
    {
        IDataView view = rows;
        foreach (var stage in _before) view = stage.Transform(view);
        var column = view.Schema[_input];
        using var cursor = view.GetRowCursor([column]);
        double sum = 0;
        if (_tokens)
        {
            var getter = cursor.GetGetter<VBuffer<uint>>(column);
            var pending = new List<uint[]>();
            VBuffer<uint> keys = default;
            while (true)
            {
                bool more = cursor.MoveNext();
                if (more)
                {
                    getter(ref keys);
                    pending.Add(keys.DenseValues().ToArray());
                }
                if (pending.Count == batch || (!more && pending.Count > 0))
                {
                    int width = Math.Max(1, pending.Max(p => p.Length));
                    var data = new uint[pending.Count * width];
                    Array.Fill(data, _padId);
                    for (int r = 0; r < pending.Count; r++) pending[r].CopyTo(data, r * width);
                    sum += Run(new DenseTensor<uint>(data, [pending.Count, width]));
                    pending.Clear();
                }
                if (!more) return sum;
            }
        }
        else
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            int size = _dims.Skip(1).Aggregate(1, (a, d) => a * d);
            var data = new float[batch * size];
            VBuffer<float> values = default;
            int count = 0;
            while (true)
            {
                bool more = cursor.MoveNext();
                if (more)
                {
                    getter(ref values);
                    values.GetValues().CopyTo(data.AsSpan(count++ * size));
                }
                if (count == batch || (!more && count > 0))
                {
                    sum += Run(new DenseTensor<float>(data.AsMemory(0, count * size), [count, .. _dims.Skip(1)]));
                    count = 0;
                }
                if (!more) return sum;
            }
        }
    }

    private double Run<T>(DenseTensor<T> tensor)
    {
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, tensor)]);
        return results.First().AsTensor<float>().GetValue(0);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];

    public void Dispose() => _session.Dispose();
}
