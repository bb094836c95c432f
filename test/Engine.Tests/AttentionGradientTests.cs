using MlNetDeep.Engine;
using MlNetDeep.Engine.Layers;
using MlNetDeep.Engine.Tests.Support;

namespace MlNetDeep.Engine.Tests;

/// <summary>
/// Finite-difference checks of the attention ops and layer (B = 3, S = 4, padded lengths 4, 2, 1) and of the token
/// cross-entropy, w.r.t. every element of every input and parameter, with a random upstream gradient.
/// </summary>
public class AttentionGradientTests
{
    private const int B = 3, S = 4, D = 3, A = 2;
    private static readonly int[] Lengths = [4, 2, 1];

    [Fact]
    public void DotScoresMatchFiniteDifferences()
    {
        var rng = new Rng(1);
        var q = GradCheck.Random(rng, 0.1f, 1f, B, D);
        var k = GradCheck.Random(rng, 0.1f, 1f, B, S, D);
        GradCheck.Check(t => Ops.AttentionDotScores(t, q, k), [q, k]);
    }

    [Fact]
    public void AdditiveScoresMatchFiniteDifferences()
    {
        var rng = new Rng(2);
        var q = GradCheck.Random(rng, 0.1f, 1f, B, A);
        var k = GradCheck.Random(rng, 0.1f, 1f, B, S, A);
        var v = GradCheck.Random(rng, 0.1f, 1f, A);
        GradCheck.Check(t => Ops.AttentionAdditiveScores(t, q, k, v), [q, k, v]);
    }

    [Fact]
    public void ScoresOfSeveralQueriesPerItemMatchFiniteDifferences()
    {
        var rng = new Rng(8);
        var q = GradCheck.Random(rng, 0.1f, 1f, B, 2, D);
        var k = GradCheck.Random(rng, 0.1f, 1f, B, S, D);
        GradCheck.Check(t => Ops.AttentionDotScores(t, q, k), [q, k]);
        var qa = GradCheck.Random(rng, 0.1f, 1f, B, 2, A);
        var ka = GradCheck.Random(rng, 0.1f, 1f, B, S, A);
        var v = GradCheck.Random(rng, 0.1f, 1f, A);
        GradCheck.Check(t => Ops.AttentionAdditiveScores(t, qa, ka, v), [qa, ka, v]);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void MaskedContextMatchesFiniteDifferences(bool padded, int queries)
    {
        var rng = new Rng(3);
        var scores = queries == 1 ? GradCheck.Random(rng, 0.1f, 1f, B, S) : GradCheck.Random(rng, 0.1f, 1f, B, queries, S);
        var values = GradCheck.Random(rng, 0.1f, 1f, B, S, D);
        GradCheck.Check(t => Ops.AttentionContext(t, scores, values, padded ? Lengths : null).Context, [scores, values]);
    }

    [Fact]
    public void PaddedPositionsGetExactlyZeroWeightAndNoGradient()
    {
        var rng = new Rng(4);
        var scores = GradCheck.Random(rng, 0.1f, 1f, B, S);
        var values = GradCheck.Random(rng, 0.1f, 1f, B, S, D);
        Parameter.MakeTrainable(scores);
        Parameter.MakeTrainable(values);
        var tape = new Tape();
        var (context, weights) = Ops.AttentionContext(tape, scores, values, Lengths);
        for (int b = 0; b < B; b++)
        {
            float sum = 0;
            for (int s = 0; s < S; s++)
            {
                float w = weights.Span[b * S + s];
                if (s >= Lengths[b]) Assert.Equal(0f, w);
                sum += w;
            }
            Assert.Equal(1f, sum, 5);
        }
        var up = new float[context.Length];
        for (int i = 0; i < up.Length; i++) up[i] = rng.Uniform(-1f, 1f);
        tape.Backward(context, up);
        for (int b = 0; b < B; b++)
            for (int s = Lengths[b]; s < S; s++)
            {
                Assert.Equal(0f, scores.Grad!.Span[b * S + s]);
                for (int d = 0; d < D; d++) Assert.Equal(0f, values.Grad!.Span[(b * S + s) * D + d]);
            }
    }

    [Fact]
    public void EmptySourceGivesFiniteUniformWeights()
    {
        // A source of length 0 (every position masked): −1e9 instead of −∞ keeps the softmax finite (uniform here).
        var scores = Tensor.FromArray([0.5f, -0.25f, 0.125f, 0f], 1, S);
        var values = Tensor.FromArray(Enumerable.Range(0, S * D).Select(i => (float)i).ToArray(), 1, S, D);
        var tape = new Tape { IsRecording = false };
        var (context, weights) = Ops.AttentionContext(tape, scores, values, [0]);
        Assert.All(weights.Span.ToArray(), w => Assert.Equal(0.25f, w, 6));
        Assert.All(context.Span.ToArray(), c => Assert.True(float.IsFinite(c)));
    }

    [Theory]
    [InlineData("Dot")]
    [InlineData("General")]
    [InlineData("Additive")]
    public void LayerMatchesFiniteDifferences(string kindName)
    {
        var kind = Enum.Parse<AttentionKind>(kindName);
        var rng = new Rng(5);
        int keySize = kind == AttentionKind.Dot ? D : D + 1;
        var attention = new Attention(kind, D, keySize, rng, attentionSize: A);
        var query = GradCheck.Random(rng, 0.1f, 1f, B, D);
        var encoder = GradCheck.Random(rng, 0.1f, 1f, B, S, keySize);
        GradCheck.Check(t => attention.Attend(t, query, attention.Prepare(t, encoder, Lengths)).Context,
            [query, encoder, .. attention.Parameters()]);
    }

    [Fact]
    public void DotAttentionRejectsUnequalSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => new Attention(AttentionKind.Dot, 4, 6, new Rng(1)));
        Assert.Contains("(4)", error.Message);
        Assert.Contains("(6)", error.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public void TokenCrossEntropyMatchesFiniteDifferences(float smoothing)
    {
        var rng = new Rng(6);
        var logits = GradCheck.Random(rng, 0.1f, 2f, 5, 4);
        int[] targets = [2, -1, 0, 3, -1];
        GradCheck.Check(t => Ops.TokenCrossEntropy(t, logits, targets, smoothing), [logits]);
    }

    [Fact]
    public void TokenCrossEntropyIgnoresPaddingAndSmoothsLikeTheFormula()
    {
        // Row 0 counted, row 1 padding: loss = (1 − ε)(−log p[1]) + ε·mean_j(−log p[j]) for row 0 only.
        var logits = Tensor.FromArray([1f, 2f, 0.5f, 9f, -3f, 4f], 2, 3);
        var tape = new Tape { IsRecording = false };
        float loss = Ops.TokenCrossEntropy(tape, logits, [1, -1], 0.2f).Span[0];
        double[] z = [1, 2, 0.5];
        double logSum = Math.Log(z.Sum(Math.Exp));
        double expected = 0.8 * (logSum - 2) + 0.2 * z.Average(v => logSum - v);
        Assert.Equal(expected, loss, 5);
        Assert.Equal(0f, Ops.TokenCrossEntropy(tape, logits, [-1, -1]).Span[0]);
    }
}
