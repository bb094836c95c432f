namespace MlNetDeep.Examples;

/// <summary>
/// The CMU Pronouncing Dictionary as fetched by fetch-cmudict.sh into data/cmudict.tsv (see DATA.md): lower-case words
/// (a–z and apostrophes) → their pronunciations, each a space-separated string of ARPAbet phonemes without stress.
/// </summary>
internal sealed class CmuDictionary
{
    /// <summary>The script that creates the file, named in the error when it is missing.</summary>
    public const string FetchScript = "examples/G2P/fetch-cmudict.sh";

    private CmuDictionary(IReadOnlyDictionary<string, string[]> words) => Words = words;

    /// <summary>Word → pronunciations (in the dictionary's order: the first is the main one).</summary>
    public IReadOnlyDictionary<string, string[]> Words { get; }

    /// <summary>Number of (word, pronunciation) pairs.</summary>
    public int PronunciationCount => Words.Values.Sum(p => p.Length);

    /// <summary>Reads cmudict.tsv: one "word&lt;TAB&gt;PH ON EMES" line per pronunciation.</summary>
    /// <param name="path">The file, usually examples/G2P/data/cmudict.tsv.</param>
    /// <exception cref="FileNotFoundException">The file is missing (the message says how to fetch it).</exception>
    /// <exception cref="FormatException">A line is not "word TAB phonemes".</exception>
    public static CmuDictionary Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The CMU Pronouncing Dictionary is not at {Path.GetFullPath(path)}. Run {FetchScript} " +
                "(needs Node.js and npm) to fetch it; the data is not in the repository.", path);
        var words = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            string[] fields = line.Split('\t');
            if (fields.Length != 2 || fields[0].Length == 0 || fields[1].Length == 0)
                throw new FormatException($"{path}, line {number}: expected \"word<TAB>phonemes\", got \"{line}\". Delete the file and run {FetchScript} again.");
            if (!words.TryGetValue(fields[0], out var pronunciations)) words.Add(fields[0], pronunciations = []);
            pronunciations.Add(fields[1]);
        }
        if (words.Count == 0) throw new FormatException($"{path} holds no pronunciations. Delete it and run {FetchScript} again.");
        return new CmuDictionary(words.ToDictionary(w => w.Key, w => w.Value.ToArray(), StringComparer.Ordinal));
    }

    /// <summary>
    /// Splits by word, 90 % / 5 % / 5 %, so every pronunciation of a word lands in the same part (a word seen in training
    /// with one pronunciation must not be tested with another). Deterministic: the words are sorted (ordinal), shuffled
    /// by Fisher–Yates with a SplitMix64 generator seeded with <paramref name="seed"/> (its own few lines, because
    /// System.Random does not promise the same sequence across .NET versions), and cut in that order.
    /// </summary>
    /// <param name="seed">Seed of the shuffle; the same seed and file always give the same split.</param>
    public CmuSplit Split(int seed = 2026)
    {
        var order = Words.Keys.Order(StringComparer.Ordinal).ToArray();
        var random = new SplitMix64(unchecked((ulong)seed));
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Below(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        int train = (int)(order.Length * 0.90), validation = (int)(order.Length * 0.05);
        return new CmuSplit(Part(order[..train]), Part(order[train..(train + validation)]), Part(order[(train + validation)..]));
    }

    private IReadOnlyDictionary<string, string[]> Part(IEnumerable<string> words) =>
        words.Order(StringComparer.Ordinal).ToDictionary(w => w, w => Words[w], StringComparer.Ordinal);

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014): a tiny generator whose sequence is fixed by its definition.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        private ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        // Uniform in [0, n): the modulo bias of a 64-bit value over n < 2^31 is below 2^-32, negligible here.
        public int Below(int n) => (int)(Next() % (ulong)n);
    }
}

/// <summary>The dictionary split by word (<see cref="CmuDictionary.Split"/>); each part maps word → pronunciations.</summary>
/// <param name="Train">About 90 % of the words.</param>
/// <param name="Validation">About 5 % of the words.</param>
/// <param name="Test">The rest, about 5 %.</param>
internal sealed record CmuSplit(IReadOnlyDictionary<string, string[]> Train, IReadOnlyDictionary<string, string[]> Validation, IReadOnlyDictionary<string, string[]> Test)
{
    /// <summary>The (word, phonemes) pairs of a part, one per pronunciation, in word order.</summary>
    /// <param name="part">One of <see cref="Train"/>, <see cref="Validation"/>, <see cref="Test"/>.</param>
    public static IEnumerable<(string Word, string Phonemes)> Pairs(IReadOnlyDictionary<string, string[]> part) =>
        part.OrderBy(w => w.Key, StringComparer.Ordinal).SelectMany(w => w.Value.Select(p => (w.Key, p)));
}
