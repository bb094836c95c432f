using ScottPlot;

namespace MlNetDeep.Examples;

/// <summary>Draws the attention of one decoded word as a PNG heatmap (ScottPlot): letters across, phonemes down.</summary>
internal static class AttentionHeatmap
{
    /// <summary>Saves the T×(S + 1) weights of <paramref name="word"/> → <paramref name="phonemes"/>.</summary>
    /// <param name="path">PNG file.</param>
    /// <param name="word">Source word (S letters; the last column is the end-of-word token).</param>
    /// <param name="phonemes">Predicted phonemes (the last row is the end-of-sequence token).</param>
    /// <param name="weights">Row-major T·(S + 1) weights from the model's attention column.</param>
    public static void Save(string path, string word, string[] phonemes, float[] weights)
    {
        // Rows after the end-of-sequence token are padding (the decoding ran longer for other hypotheses): drawn up to it.
        int columns = word.Length + 1, rows = Math.Min(weights.Length / columns, phonemes.Length + 1);
        var grid = new double[rows, columns];
        for (int t = 0; t < rows; t++)
            for (int s = 0; s < columns; s++) grid[t, s] = weights[t * columns + s];
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        // Heatmap cells are centred on integer positions, row 0 at the top.
        string[] letters = [.. word.Select(c => c.ToString()), "</s>"];
        string[] outputs = [.. phonemes, "</s>"];
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns).Select(i => (double)i).ToArray(), letters);
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(i => (double)(rows - 1 - i)).ToArray(), outputs[..rows]);
        plot.Title($"attention: {word} → {string.Join(" ", phonemes)}");
        plot.XLabel("letters");
        plot.YLabel("phonemes");
        plot.SavePng(path, 120 + 60 * columns, 120 + 45 * rows);
    }
}
