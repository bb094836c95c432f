namespace MlNetDeep.Bench.Cases;

/// <summary>
/// Command-line case names (the anchor's) → the workloads they run. A case whose layers do not exist yet maps to
/// null and prints "n/a". To add a case: write one file under Cases/ and replace its null entry here.
/// </summary>
internal static class CaseRegistry
{
    private static readonly Dictionary<string, Func<IEnumerable<IBenchCase>>?> Cases = new()
    {
        ["gemm"] = () => [new GemmCase(1024, 1024, 1024), new GemmCase(256, 256, 256)],
        ["gemm-shapes"] = () => [new GemmCase(512, 512, 512), new GemmCase(64, 192, 512), new GemmCase(12544, 288, 64), new GemmCase(50176, 9, 32)],
        ["mlp"] = () => [new MlpCase()],
        ["lenet"] = () => [new LenetCase()],
        ["resnet-small"] = () => [new ResNetSmallCase()],
        ["textcnn"] = () => [new TextCnnCase()],
        ["lstm"] = () => [new LstmCase(bidirectional: false)],
        ["bilstm"] = () => [new LstmCase(bidirectional: true)],
        ["gru-seq2seq-attn"] = () => [new Seq2SeqCase(loop: false)],
        ["gru-seq2seq-attn-loop"] = () => [new Seq2SeqCase(loop: true)],
        ["infer"] = () => [new InferCase(false, 1), new InferCase(false, 64), new InferCase(true, 1), new InferCase(true, 64)],
        ["seq2seq-decode"] = () => [new Seq2SeqDecodeCase(1), new Seq2SeqDecodeCase(5)], // ours only, not part of `all`
    };

    /// <summary>The cases of `all`, in the anchor's order (gemm-shapes is not part of `all`, as in the anchor).</summary>
    public static readonly string[] All =
        ["gemm", "mlp", "lenet", "resnet-small", "textcnn", "lstm", "bilstm", "gru-seq2seq-attn", "gru-seq2seq-attn-loop", "infer"];

    public static bool IsKnown(string name) => Cases.ContainsKey(name);

    /// <summary>The workloads of <paramref name="name"/>, or null when the case is not implemented yet.</summary>
    public static Func<IEnumerable<IBenchCase>>? Get(string name) => Cases[name];
}
