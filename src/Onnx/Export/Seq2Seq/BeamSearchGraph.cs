using MlNetDeep.Engine;
using MlNetDeep.Engine.Models;

namespace MlNetDeep.Onnx.Export;

/// <summary>
/// One ONNX graph that decodes: source ids → encoder → beam search inside a <c>Loop</c> → n-best tokens, scores and
/// the best hypothesis' attention weights. It follows <see cref="Seq2SeqDecoder.BeamSearch"/> step for step (design:
/// ../shared/DESIGN.md §8), so tokens are identical to the engine's; K = 1 is greedy decoding.
/// </summary>
/// <remarks>
/// Input <c>source</c> int64 (N, S₀): token ids without EOS, right-padded with PAD (the graph writes EOS after each row's
/// tokens, so S = S₀ + 1 below; an empty text is an empty row).
/// Outputs <c>tokens</c> int64 (N, n, T) (T = steps run; EOS-padded after a hypothesis ends), <c>scores</c> float (N, n)
/// (length-normalised log-probabilities, best first) and <c>attention</c> float (N, T, S) of the best hypothesis.
/// Loop-carried values (B = N·K rows, row n·K + k is beam k of source n): tokens (B), hidden (1, B, H)
/// [, cell (1, B, H)] [, ã (B, H)], scores (N, K), finished (B), generated length (B), history (B, 1 + t) and attention
/// history (B, t, S). Body values are declared by element type only: history and attention grow a step per iteration.
/// </remarks>
internal static class BeamSearchGraph
{
    /// <summary>Builds the decoding graph.</summary>
    /// <param name="model">Trained network.</param>
    /// <param name="settings">Decoding settings (checked).</param>
    /// <param name="names">Input and output names; null for <see cref="Seq2SeqGraphNames.Plain"/>.</param>
    public static OnnxGraphBuilder Build(Seq2Seq model, BeamSearchSettings settings, Seq2SeqGraphNames? names = null)
    {
        names ??= Seq2SeqGraphNames.Plain;
        int vocab = model.Spec.TargetVocabularySize, k = settings.BeamSize, h = model.Spec.DecoderSize;
        settings.Check(vocab);
        bool lstm = model.Spec.Cell == RecurrentCellKind.Lstm, feeding = model.Spec.InputFeeding;

        var g = new OnnxGraphBuilder("seq2seq_beam_search");
        string src = g.AddInput(names.Source, OnnxElementType.Int64, OnnxDim.Symbolic("N"), OnnxDim.Symbolic("S"));
        var encoded = Seq2SeqEncoderGraph.Add(g, model, src);
        var weights = DecoderStepWeights.Add(g, model);

        // Shapes and the row map: B = N·K rows, row b reads source b / K.
        string k1 = g.Constant([(long)k]), kScalar = g.ScalarConstant((long)k);
        string shape = g.AddNode("Shape", [encoded.Source]);
        string n1 = g.AddNode("Slice", [shape, g.Constant([0L]), g.Constant([1L])]);
        string s1 = g.AddNode("Slice", [shape, g.Constant([1L]), g.Constant([2L])]);
        string b1 = g.AddNode("Mul", [n1, k1]);
        string zero = g.ScalarConstant(0L), one = g.ScalarConstant(1L);
        string rowIds = g.AddNode("Range", [zero, g.AddNode("Squeeze", [b1, g.Constant([0L])]), one]);
        string repeat = g.AddNode("Div", [rowIds, kScalar]);                                                   // (B)
        string itemBase = g.AddNode("Mul", [g.AddNode("Unsqueeze", [g.AddNode("Range", [zero, g.AddNode("Squeeze", [n1, g.Constant([0L])]), one]), g.Constant([1L])]), kScalar]); // (N, 1) = n·K

        string Rows(string value, long axis) => g.AddNode("Gather", [value, repeat], OnnxAttribute.Int("axis", axis));
        string encB = Rows(encoded.Outputs, 0);
        var source = new StepSource(encB, g.AddNode("Transpose", [encB], OnnxAttribute.Ints("perm", 0, 2, 1)),
            encoded.Keys == encoded.Outputs ? encB : Rows(encoded.Keys, 0),
            g.AddNode("Unsqueeze", [Rows(encoded.Mask, 0), g.Constant([1L])]));

        // Per-source output limit and the trip count (the longest limit in the batch).
        string limit = MaxLengths(g, settings, encoded.SourceTokens);                                          // (N) int64
        string tripCount = g.AddNode("ReduceMax", [limit], OnnxAttribute.Int("keepdims", 0));
        string lastStep = g.AddNode("Sub", [Rows(limit, 0), one]);                                              // (B)

        // Initial loop state.
        var scoreRow = new float[k];
        for (int j = 1; j < k; j++) scoreRow[j] = float.NegativeInfinity; // one live beam at the first step (DESIGN §8)
        string tok0 = g.AddNode("Expand", [g.Constant([(long)Seq2SeqTokens.Bos]), b1]);
        var state = new List<string> { tok0, Rows(encoded.Hidden, 1) };
        if (lstm) state.Add(Rows(encoded.Cell!, 1));
        if (feeding) state.Add(g.AddNode("ConstantOfShape", [g.AddNode("Concat", [b1, g.Constant([(long)h])], OnnxAttribute.Int("axis", 0))]));
        state.Add(g.AddNode("Expand", [g.Constant(scoreRow, [1, k]), g.AddNode("Concat", [n1, k1], OnnxAttribute.Int("axis", 0))]));
        state.Add(g.AddNode("Expand", [g.AddInitializer(OnnxTensor.Bool(g.UniqueName("false"), [false], 1)), b1]));
        state.Add(g.AddNode("Expand", [g.Constant([0f]), b1]));
        state.Add(g.AddNode("Unsqueeze", [tok0, g.Constant([1L])]));
        state.Add(g.AddNode("ConstantOfShape", [g.AddNode("Concat", [b1, g.Constant([0L]), s1], OnnxAttribute.Int("axis", 0))]));

        var body = Body(g, weights, source, settings, itemBase, lastStep, lstm, feeding, vocab);
        var finals = state.Select(_ => g.UniqueName("loop")).ToList();
        g.AddNodeWithOutputs("Loop", [tripCount, g.ScalarConstant(true), .. state], finals, OnnxAttribute.Graph("body", body));
        int at = lstm ? 3 : 2;
        if (feeding) at++;
        string scores = finals[at], generated = finals[at + 2], history = finals[at + 3], attention = finals[at + 4];

        // Final selection: normalised scores, n best per source (ties to the lower beam, as the engine's stable sort).
        string norm = Normalise(g, settings, scores, g.AddNode("Reshape", [g.AddNode("Max", [generated, g.Constant([1f])]), g.Constant([-1L, k])]));
        string[] top = g.AddNode("TopK", [norm, g.Constant([(long)settings.NBest])], 2, OnnxAttribute.Int("axis", -1));
        string best = g.AddNode("Reshape", [g.AddNode("Add", [top[1], itemBase]), g.Constant([-1L])]);        // (N·n)
        string picked = g.AddNode("Slice", [g.AddNode("Gather", [history, best], OnnxAttribute.Int("axis", 0)), g.Constant([1L]), g.Constant([long.MaxValue]), g.Constant([1L])]);
        g.AddNodeWithOutputs("Reshape", [picked, g.AddNode("Concat", [n1, g.Constant([(long)settings.NBest, -1L])], OnnxAttribute.Int("axis", 0))], [names.Tokens]);
        g.AddNodeWithOutputs("Identity", [top[0]], [names.Scores]);
        string first = g.AddNode("Reshape", [g.AddNode("Add", [g.AddNode("Slice", [top[1], g.Constant([0L]), g.Constant([1L]), g.Constant([1L])]), itemBase]), g.Constant([-1L])]);
        g.AddNodeWithOutputs("Gather", [attention, first], [names.Attention], OnnxAttribute.Int("axis", 0));
        g.AddOutput(names.Tokens, OnnxElementType.Int64, OnnxDim.Symbolic("N"), OnnxDim.Fixed(settings.NBest), OnnxDim.Symbolic("T"));
        g.AddOutput(names.Scores, OnnxElementType.Float, OnnxDim.Symbolic("N"), OnnxDim.Fixed(settings.NBest));
        g.AddOutput(names.Attention, OnnxElementType.Float, OnnxDim.Symbolic("N"), OnnxDim.Symbolic("T"), OnnxDim.Symbolic("S"));
        return g;
    }

    /// <summary>The loop body: one decoder step, the beam rules, TopK over K·V candidates and the reorder by parent row.</summary>
    private static OnnxGraphBuilder Body(OnnxGraphBuilder g, DecoderStepWeights weights, StepSource source, BeamSearchSettings settings,
        string itemBase, string lastStep, bool lstm, bool feeding, int vocab)
    {
        int k = settings.BeamSize;
        // Constants of the main graph (the body reads them from the outer scope).
        var eosRow = Enumerable.Repeat(float.NegativeInfinity, vocab).ToArray();
        eosRow[Seq2SeqTokens.Eos] = 0f;
        string eosOnly = g.Constant(eosRow, [1, vocab]);
        var eosMask = new bool[vocab];
        eosMask[Seq2SeqTokens.Eos] = true;
        string isEos = g.AddInitializer(OnnxTensor.Bool(g.UniqueName("is_eos"), eosMask, 1, vocab));
        var never = new bool[vocab];
        never[Seq2SeqTokens.Pad] = never[Seq2SeqTokens.Bos] = true;
        string neverOutput = g.AddInitializer(OnnxTensor.Bool(g.UniqueName("never_output"), never, 1, vocab));
        string minusInf = g.ScalarConstant(float.NegativeInfinity);
        string eos = g.ScalarConstant((long)Seq2SeqTokens.Eos);

        var b = g.CreateSubgraph("beam_step");
        string it = b.AddInput(b.UniqueName("iteration"), OnnxElementType.Int64); // scalars
        b.AddInput(b.UniqueName("condition"), OnnxElementType.Bool);
        string Carried(string name, OnnxElementType type) => b.AddInputOfUnknownShape(b.UniqueName(name), type);
        string tok = Carried("tokens", OnnxElementType.Int64);
        string hidden = Carried("hidden", OnnxElementType.Float);
        string? cell = lstm ? Carried("cell", OnnxElementType.Float) : null;
        string? feed = feeding ? Carried("attentional", OnnxElementType.Float) : null;
        string scores = Carried("scores", OnnxElementType.Float);
        string finished = Carried("finished", OnnxElementType.Bool);
        string generated = Carried("generated", OnnxElementType.Float);
        string history = Carried("history", OnnxElementType.Int64);
        string attention = Carried("attention_history", OnnxElementType.Float);

        var step = DecoderStepGraph.Add(b, weights, tok, hidden, cell, feed, source);
        string logp = b.AddNode("Where", [neverOutput, minusInf, step.LogProbabilities]); // PAD and BOS are never output
        if (settings.MinLength > 0) // EOS forbidden before MinLength tokens
            logp = b.AddNode("Where", [b.AddNode("And", [b.AddNode("Less", [it, b.ScalarConstant((long)settings.MinLength)]), isEos]), minusInf, logp]);
        // At a source's last allowed step only EOS remains (with its own log-probability).
        string atLimit = b.AddNode("Unsqueeze", [b.AddNode("GreaterOrEqual", [it, lastStep]), b.Constant([1L])]);
        logp = b.AddNode("Where", [b.AddNode("And", [atLimit, b.AddNode("Not", [isEos])]), minusInf, logp]);
        if (settings.NoRepeatNgramSize >= 2) logp = BlockRepeatedNgrams(b, logp, it, history, settings.NoRepeatNgramSize, vocab);
        // A finished beam only extends with EOS, at cost 0 (Where, never a 0/1 product: 0·(−∞) = NaN).
        logp = b.AddNode("Where", [b.AddNode("Unsqueeze", [finished, b.Constant([1L])]), eosOnly, logp]);

        string candidates = b.AddNode("Add", [b.AddNode("Reshape", [logp, b.Constant([-1L, k, vocab])]), b.AddNode("Unsqueeze", [scores, b.Constant([2L])])]);
        string[] top = b.AddNode("TopK", [b.AddNode("Reshape", [candidates, b.Constant([0L, -1L])]), b.Constant([(long)k])], 2, OnnxAttribute.Int("axis", -1));
        string vocabulary = b.ScalarConstant((long)vocab);
        string parents = b.AddNode("Reshape", [b.AddNode("Add", [b.AddNode("Div", [top[1], vocabulary]), itemBase]), b.Constant([-1L])]); // (B)
        string nextTokens = b.AddNode("Reshape", [b.AddNode("Mod", [top[1], vocabulary]), b.Constant([-1L])]);
        string Parent(string value, long axis = 0) => b.AddNode("Gather", [value, parents], OnnxAttribute.Int("axis", axis));
        string parentFinished = Parent(finished);
        string finishedOut = b.AddNode("Or", [parentFinished, b.AddNode("Equal", [nextTokens, eos])]);

        var outputs = new List<string>
        {
            // Continue while some beam is open (ReduceMin rejects bool, hence the Cast).
            b.AddNode("Equal", [b.AddNode("ReduceMin", [b.AddNode("Cast", [finishedOut], OnnxAttribute.Int("to", (long)OnnxElementType.Int64))], OnnxAttribute.Int("keepdims", 0)), b.ScalarConstant(0L)]),
            nextTokens,
            Parent(step.Hidden, 1),
        };
        if (lstm) outputs.Add(Parent(step.Cell!, 1));
        if (feeding) outputs.Add(Parent(step.Attentional));
        outputs.Add(b.AddNode("Identity", [top[0]]));
        outputs.Add(finishedOut);
        outputs.Add(b.AddNode("Add", [Parent(generated), b.AddNode("Cast", [b.AddNode("Not", [parentFinished])], OnnxAttribute.Int("to", (long)OnnxElementType.Float))]));
        outputs.Add(b.AddNode("Concat", [Parent(history), b.AddNode("Unsqueeze", [nextTokens, b.Constant([1L])])], OnnxAttribute.Int("axis", 1)));
        outputs.Add(b.AddNode("Concat", [Parent(attention), Parent(step.Weights)], OnnxAttribute.Int("axis", 1)));
        var types = new List<OnnxElementType> { OnnxElementType.Bool, OnnxElementType.Int64, OnnxElementType.Float };
        if (lstm) types.Add(OnnxElementType.Float);
        if (feeding) types.Add(OnnxElementType.Float);
        types.AddRange([OnnxElementType.Float, OnnxElementType.Bool, OnnxElementType.Float, OnnxElementType.Int64, OnnxElementType.Float]);
        for (int i = 0; i < outputs.Count; i++)
        {
            string name = b.UniqueName("out");
            b.AddNodeWithOutputs("Identity", [outputs[i]], [name]);
            b.AddOutput(name, types[i]);
        }
        return b;
    }

    /// <summary>
    /// Forbids every token that would complete an n-gram already in the hypothesis: over the generated tokens y (B, t)
    /// (history without BOS, t = iteration), windows j = 0 … t − n whose n − 1 tokens equal the last n − 1 tokens ban
    /// y[j + n − 1]. For t &lt; n − 1 every slice is empty and nothing is banned (no negative index is ever formed:
    /// slice starts are clamped at 0).
    /// </summary>
    private static string BlockRepeatedNgrams(OnnxGraphBuilder b, string logp, string it, string history, int n, int vocab)
    {
        string axis1 = b.Constant([1L]);
        string generated = b.AddNode("Slice", [history, b.Constant([1L]), b.Constant([long.MaxValue]), axis1]);   // (B, t)
        string t = b.AddNode("Unsqueeze", [it, b.Constant([0L])]);                                               // (1)
        string windows = b.AddNode("Sub", [t, b.Constant([(long)(n - 1)])]);                                     // t − n + 1 windows
        string match = "";
        for (int m = 0; m < n - 1; m++)
        {
            string offset = b.Constant([(long)m]);
            string column = b.AddNode("Slice", [generated, offset, b.AddNode("Add", [windows, offset]), axis1]);  // (B, J)
            string lastStart = b.AddNode("Max", [b.AddNode("Add", [windows, offset]), b.Constant([0L])]);
            string last = b.AddNode("Slice", [generated, lastStart, b.AddNode("Add", [lastStart, b.Constant([1L])]), axis1]); // (B, 1)
            string equal = b.AddNode("Equal", [column, last]);
            match = m == 0 ? equal : b.AddNode("And", [match, equal]);
        }
        string followers = b.AddNode("Slice", [generated, b.Constant([(long)(n - 1)]), b.AddNode("Add", [windows, b.Constant([(long)(n - 1)])]), axis1]); // (B, J)
        string isFollower = b.AddNode("Equal", [b.AddNode("Unsqueeze", [followers, b.Constant([2L])]),
            b.Constant(Enumerable.Range(0, vocab).Select(v => (long)v).ToArray(), [1, 1, vocab])]);              // (B, J, V)
        string hits = b.AddNode("And", [isFollower, b.AddNode("Unsqueeze", [match, b.Constant([2L])])]);
        string count = b.AddNode("ReduceSum", [b.AddNode("Cast", [hits], OnnxAttribute.Int("to", (long)OnnxElementType.Int64)), axis1],
            OnnxAttribute.Int("keepdims", 0));                                                                  // (B, V); 0 over no windows
        string banned = b.AddNode("Greater", [count, b.ScalarConstant(0L)]);
        return b.AddNode("Where", [banned, b.ScalarConstant(float.NegativeInfinity), logp]);
    }

    /// <summary>Per source: MaxLength, or with a ratio Clip(⌈ratio · tokens⌉, 1, MaxLength) (tokens without the EOS).</summary>
    private static string MaxLengths(OnnxGraphBuilder g, BeamSearchSettings settings, string sourceTokens)
    {
        if (settings.MaxLengthRatio is not float ratio)
            return g.AddNode("Expand", [g.Constant([(long)settings.MaxLength]), g.AddNode("Shape", [sourceTokens])]);
        string tokens = g.AddNode("Cast", [sourceTokens], OnnxAttribute.Int("to", (long)OnnxElementType.Float));
        string scaled = g.AddNode("Ceil", [g.AddNode("Mul", [tokens, g.ScalarConstant(ratio)])]);
        string clipped = g.AddNode("Clip", [scaled, g.ScalarConstant(1f), g.ScalarConstant((float)settings.MaxLength)]);
        return g.AddNode("Cast", [clipped], OnnxAttribute.Int("to", (long)OnnxElementType.Int64));
    }

    /// <summary>The length penalty of <see cref="BeamSearchSettings.Normalise"/> on (N, K) scores and lengths.</summary>
    private static string Normalise(OnnxGraphBuilder g, BeamSearchSettings settings, string scores, string lengths) => settings.LengthPenalty switch
    {
        LengthPenaltyKind.None => scores,
        LengthPenaltyKind.Average => g.AddNode("Div", [scores, lengths]),
        _ => g.AddNode("Div", [scores, g.AddNode("Pow", [g.AddNode("Div", [g.AddNode("Add", [g.ScalarConstant(5f), lengths]), g.ScalarConstant(6f)]), g.ScalarConstant(settings.Alpha)])]),
    };
}
